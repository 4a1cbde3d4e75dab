namespace Billing.Application.Invoicing;

/// <summary>
/// The period's own close record cannot be read (changed outside the platform): which payers it closed is unknown, so
/// nothing is closed on a guess (HTTP 409 "Close record unreadable"). Thrown where the close reads that record only, so
/// another stored row a close cannot read (a lease, a rollup, a ledger row) stays an <see cref="InvalidDataException"/>,
/// answered as any route's storage-integrity failure.
/// </summary>
public sealed class CloseRecordUnreadableException(BillingPeriod period, InvalidDataException reason)
    : Exception(reason?.Message, reason)
{
    /// <summary>The period whose close record cannot be read.</summary>
    public BillingPeriod Period { get; } = period;
}
