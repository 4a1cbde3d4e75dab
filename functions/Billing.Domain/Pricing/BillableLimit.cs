namespace Billing.Domain.Pricing;

/// <summary>
/// How much usage one payer's month may hold so that its invoice always prices (docs/contract.md §9): a declared value
/// may be up to <see cref="long.MaxValue"/>, so without a bound a month of valid events could price beyond the
/// invoice's minor units (a <see cref="long"/>) and that payer's close would fail on every try. Metering refuses the event
/// that would take a meter's month past <see cref="MonthQuantity"/>, so what it accepts is always billable.
/// <para>The whole month of a plan is held to <see cref="MonthMinorUnits"/> (2^53 − 1, also the largest integer a
/// JavaScript client reads exactly), shared equally by the meters it prices; the factor 1,024 left below
/// <see cref="long.MaxValue"/> is room for the adjustments of up to 1,023 earlier months on one invoice.</para>
/// </summary>
public static class BillableLimit
{
    /// <summary>The most a plan's month of usage may bill, in minor units.</summary>
    public const long MonthMinorUnits = long.MaxValue >> 10;

    /// <summary>The most raw units a meter's month may hold whatever it costs: an invoice line's quantity stays a decimal with 6 places.</summary>
    public static readonly Int128 MaxQuantity = Int128.Parse("10000000000000000000000", CultureInfo.InvariantCulture);

    /// <summary>
    /// The most raw units (before the plan's divisor) of <paramref name="pricing"/>'s meter, over all its groups, a month
    /// of <paramref name="plan"/> may hold: what its groups can bill at the meter's dearest tier stays within the meter's
    /// share of <see cref="MonthMinorUnits"/>, each group's last unit rounded up and each line rounded by a minor unit.
    /// 0 when not even one unit a group fits (a price beyond any invoice).
    /// </summary>
    public static Int128 MonthQuantity(PricePlan plan, MeterPricing pricing)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(pricing);
        var schedules = pricing.Dimension is null ? [pricing.Price!] : pricing.Rates.Values.ToList();
        decimal dearest = schedules.SelectMany(s => s.Tiers).Max(t => t.UnitPrice);
        if (dearest == 0)
        {
            return MaxQuantity;
        }

        BigInteger share = (MonthMinorUnits / plan.Meters.Count) - schedules.Sum(s => s.Tiers.Count);
        var perUnit = Rational.FromDecimal(dearest) * new Rational(BigInteger.Pow(10, plan.Currency.Exponent), BigInteger.One); // minor units a unit
        BigInteger units = (share * perUnit.Denominator / perUnit.Numerator) - schedules.Count; // whole billing units, each group's last one rounded up
        BigInteger raw = (units * pricing.Conversion.Divisor) + (pricing.Conversion.Divisor - 1);
        return units.Sign <= 0 ? Int128.Zero : (Int128)BigInteger.Min(raw, (BigInteger)MaxQuantity);
    }

    /// <summary>
    /// The largest single value a MAX or LATEST meter may take: each of its groups' month is one value, so all of them
    /// together stay within <see cref="MonthQuantity"/>.
    /// </summary>
    public static Int128 EachValue(PricePlan plan, MeterPricing pricing)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(pricing);
        return plan.MonthLimits[pricing.Meter] / Math.Max(1, pricing.Rates.Count);
    }
}
