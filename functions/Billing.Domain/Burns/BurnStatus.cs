namespace Billing.Domain.Burns;

/// <summary>
/// Where a burn stands. pending → signed (bytes, signature and lastValidBlockHeight stored before any send) →
/// submitted → finalized | failed. <see cref="Skipped"/>: the payment converts to zero base units, recorded, never sent.
/// </summary>
public enum BurnStatus
{
    Pending,
    Signed,
    Submitted,
    Finalized,
    Failed,
    Skipped,
}
