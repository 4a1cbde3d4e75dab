namespace Billing.Domain.Invoicing;

/// <summary>What an invoice line bills. Derived from <see cref="InvoiceLine.Meter"/>.</summary>
public enum InvoiceLineKind
{
    /// <summary>Rated usage of a real meter (e.g. <c>offload.bytes</c>).</summary>
    Usage,

    /// <summary>True-up to the plan's minimum commitment; meter <c>minimum-commitment</c>.</summary>
    MinimumCommitment,

    /// <summary>Correction for an earlier, already finalized period; meter <c>prior-period-adjustment</c>.</summary>
    PriorPeriodAdjustment,
}
