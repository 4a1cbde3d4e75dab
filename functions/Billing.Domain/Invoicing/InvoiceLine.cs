namespace Billing.Domain.Invoicing;

/// <summary>
/// One invoice line. <see cref="Amount"/> is already rounded to minor units and is the only number that is summed;
/// <see cref="Quantity"/> and <see cref="UnitPrice"/> are informational (for fractional quantities the amount is computed
/// from the exact quantity, see <see cref="QuantityDecimals"/>).
/// </summary>
public sealed class InvoiceLine
{
    /// <summary>Pseudo-meter of the minimum commitment line.</summary>
    public const string MinimumCommitmentMeter = "minimum-commitment";

    /// <summary>Pseudo-meter of prior-period adjustment lines.</summary>
    public const string PriorPeriodAdjustmentMeter = "prior-period-adjustment";

    /// <summary>
    /// Displayed quantities are rounded half away from zero to at most this many decimals; one that would round to 0 but
    /// is not keeps its first significant digit instead (a line never shows quantity 0 beside an amount).
    /// </summary>
    public const int QuantityDecimals = 6;

    private static readonly IReadOnlyDictionary<string, string> EmptyGroup = new SortedDictionary<string, string>(StringComparer.Ordinal);

    public InvoiceLine(
        string meter,
        string description,
        IReadOnlyDictionary<string, string>? group,
        decimal quantity,
        string? unit,
        decimal unitPrice,
        Money amount)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(meter);
        ArgumentException.ThrowIfNullOrWhiteSpace(description);
        if (amount.Currency is null)
        {
            throw new ArgumentException("The amount has no currency.", nameof(amount));
        }

        Meter = meter;
        Description = description;
        Group = group is null || group.Count == 0
            ? EmptyGroup
            : new SortedDictionary<string, string>(group.ToDictionary(StringComparer.Ordinal), StringComparer.Ordinal);
        Quantity = quantity;
        Unit = unit;
        UnitPrice = unitPrice;
        Amount = amount;
    }

    /// <summary>Meter name, or a pseudo-meter (<see cref="MinimumCommitmentMeter"/>, <see cref="PriorPeriodAdjustmentMeter"/>).</summary>
    public string Meter { get; }

    public string Description { get; }

    /// <summary>Dimension values this line is priced by (e.g. gpuModel=H100); empty when none. Keys in ordinal order.</summary>
    public IReadOnlyDictionary<string, string> Group { get; }

    public decimal Quantity { get; }

    /// <summary>Billing unit (e.g. DC, GPU-hour); null for minimum commitment and adjustment lines.</summary>
    public string? Unit { get; }

    public decimal UnitPrice { get; }

    public Money Amount { get; }

    public InvoiceLineKind Kind => Meter switch
    {
        MinimumCommitmentMeter => InvoiceLineKind.MinimumCommitment,
        PriorPeriodAdjustmentMeter => InvoiceLineKind.PriorPeriodAdjustment,
        _ => InvoiceLineKind.Usage,
    };

    /// <summary>For an adjustment line, the period it corrects (from <c>group.period</c>); otherwise null.</summary>
    public BillingPeriod? AdjustedPeriod =>
        Kind == InvoiceLineKind.PriorPeriodAdjustment && Group.TryGetValue("period", out string? p) && BillingPeriod.TryParse(p, out BillingPeriod period)
            ? period
            : null;

    public override string ToString() => $"{Meter} {Description}: {Amount}";
}
