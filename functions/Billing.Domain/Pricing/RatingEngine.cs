namespace Billing.Domain.Pricing;

/// <summary>
/// Turns aggregated usage into a draft invoice. Pure and deterministic.
/// <list type="bullet">
/// <item>Per group, raw usage is converted once (<c>raw / divisor</c>, then the plan's rounding) and priced exactly
/// (rational arithmetic, no floating point, no intermediate rounding).</item>
/// <item>Each line amount is rounded half away from zero to minor units; the total is the sum of the rounded lines.</item>
/// <item>Lines with zero quantity are omitted. Order: meter (ordinal), dimension value (ordinal), tier.</item>
/// <item>If the plan has a minimum commitment and the usage subtotal is below it, a <c>minimum commitment</c> line
/// (meter <c>minimum-commitment</c>) brings the usage charges up to it. Extra lines (prior-period adjustments) come last
/// and do not count towards the minimum.</item>
/// </list>
/// </summary>
public static class RatingEngine
{
    public const string MinimumCommitmentDescription = "minimum commitment";

    public static Invoice Rate(
        PricePlan plan, string payer, BillingPeriod period, UsageAccumulator usage, IEnumerable<InvoiceLine>? extraLines = null, int revision = 0)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(usage);
        if (!ReferenceEquals(usage.Plan, plan) && usage.Plan.Id != plan.Id)
        {
            throw new ArgumentException($"Usage was aggregated for plan '{usage.Plan.Id}', not '{plan.Id}'.", nameof(usage));
        }

        var id = new InvoiceId(payer, period, revision);
        var lines = new List<InvoiceLine>();
        var rated = new Dictionary<string, Int128>(StringComparer.Ordinal); // kept with the invoice: what its lines were rated from
        foreach (UsageGroup group in usage.Groups())
        {
            RateGroup(plan, plan.FindMeter(group.Meter)!, group, lines);
            rated[group.Meter] = checked(rated.GetValueOrDefault(group.Meter) + group.Quantity);
        }

        Money subtotal = Money.Sum(lines.Select(l => l.Amount), plan.Currency);
        if (plan.MinimumCommitment is { } minimum && subtotal < minimum)
        {
            Money trueUp = minimum - subtotal;
            lines.Add(new InvoiceLine(
                InvoiceLine.MinimumCommitmentMeter, MinimumCommitmentDescription, null, 1m, null, trueUp.ToDecimal(), trueUp));
        }

        if (extraLines is not null)
        {
            lines.AddRange(extraLines);
        }

        return new Invoice(id, plan.Id, InvoiceStatus.Draft, plan.Currency, lines, ratedUsage: rated);
    }

    /// <summary>Convenience: aggregates <paramref name="usage"/> and rates it.</summary>
    public static Invoice Rate(
        PricePlan plan, string payer, BillingPeriod period, IEnumerable<MeterUsage> usage, IEnumerable<InvoiceLine>? extraLines = null, int revision = 0)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Rate(plan, payer, period, new UsageAccumulator(plan).AddRange(usage), extraLines, revision);
    }

    private static void RateGroup(PricePlan plan, MeterPricing pricing, UsageGroup group, List<InvoiceLine> lines)
    {
        PriceSchedule schedule = pricing.ScheduleFor(group.DimensionValue, plan.Id);
        UnitConversion conversion = pricing.Conversion;
        Rational quantity = Rational.FromInt128(group.Quantity) / conversion.Divisor;
        quantity = conversion.Rounding switch
        {
            QuantityRounding.Ceiling => quantity.Ceiling(),
            QuantityRounding.Floor => quantity.Floor(),
            _ => quantity,
        };
        if (quantity.Sign == 0)
        {
            return;
        }

        Dictionary<string, string>? lineGroup = pricing.Dimension is { } dim
            ? new Dictionary<string, string>(StringComparer.Ordinal) { [dim] = group.DimensionValue! }
            : null;
        string baseDescription = pricing.Dimension is null ? pricing.Description : $"{pricing.Description} ({group.DimensionValue})";
        IReadOnlyList<PriceTier> tiers = schedule.Tiers;

        void AddLine(int tierIndex, Rational tierQuantity)
        {
            PriceTier tier = tiers[tierIndex];
            Rational exact = tierQuantity * Rational.FromDecimal(tier.UnitPrice);
            var amount = new Money(exact.RoundToMinorUnits(plan.Currency.Exponent), plan.Currency);
            string description = tier.Description
                ?? (tiers.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $"{baseDescription} (tier {tierIndex + 1})") : baseDescription);
            lines.Add(new InvoiceLine(
                pricing.Meter, description, lineGroup, LineQuantity(tierQuantity), conversion.Unit, tier.UnitPrice, amount));
        }

        switch (schedule.Mode)
        {
            case TierMode.PerUnit:
                AddLine(0, quantity);
                break;
            case TierMode.Volume:
                int reached = 0;
                while (tiers[reached].UpTo is { } upTo && quantity > Rational.FromDecimal(upTo))
                {
                    reached++;
                }

                AddLine(reached, quantity);
                break;
            case TierMode.Graduated:
                Rational lower = Rational.Zero;
                for (int i = 0; i < tiers.Count && quantity > lower; i++)
                {
                    Rational upper = tiers[i].UpTo is { } bound ? Rational.FromDecimal(bound) : quantity;
                    Rational inTier = Rational.Min(quantity, upper) - lower;
                    if (inTier.Sign > 0)
                    {
                        AddLine(i, inTier);
                    }

                    lower = upper;
                }

                break;
            default:
                throw new InvalidOperationException($"Unknown tier mode {schedule.Mode}.");
        }
    }

    /// <summary>
    /// <paramref name="quantity"/> to <see cref="InvoiceLine.QuantityDecimals"/>, but never 0 when it is not: a plan may
    /// slice finer (a tier bound like 0.0000001, a divisor above a million without rounding), and such a line showed
    /// quantity 0 beside its non-zero amount. Below half a millionth it is rounded at the place of its first significant
    /// digit instead (at most the 28 places of a decimal).
    /// </summary>
    private static decimal LineQuantity(Rational quantity)
    {
        const int MostDecimals = 28;
        int decimals = InvoiceLine.QuantityDecimals;
        decimal shown = quantity.ToDecimal(decimals);
        if (shown != 0 || quantity.Sign == 0)
        {
            return shown;
        }

        BigInteger scaled = BigInteger.Abs(quantity.Numerator) * BigInteger.Pow(10, decimals);
        while (scaled < quantity.Denominator && decimals < MostDecimals)
        {
            scaled *= 10;
            decimals++;
        }

        return quantity.ToDecimal(decimals);
    }
}
