namespace Billing.Storage;

/// <summary>
/// Written once every payer of a period has been closed (invoiced, nothing to bill, or failed). From then on the period is
/// closed: a repeated close returns the stored invoices and retries only <see cref="FailedPayers"/>, and a payer that got no
/// invoice has its late usage for the period billed on later invoices.
/// </summary>
/// <param name="Period">The closed billing period.</param>
/// <param name="ClosedAt">When the last payer of the period was closed.</param>
/// <param name="FailedPayers">
/// Payer id → why its invoice could not be made (a deterministic error such as an amount out of range), as of the latest
/// close: a repeat close rewrites it with the outcome of every payer it tried.
/// </param>
public sealed record PeriodCloseRecord(BillingPeriod Period, DateTimeOffset ClosedAt, IReadOnlyDictionary<string, string> FailedPayers)
{
    /// <summary>True when <paramref name="payer"/> was closed for the period (it is not among the failed payers).</summary>
    public bool Closed(string payer) => !FailedPayers.ContainsKey(payer);
}
