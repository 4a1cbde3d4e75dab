namespace Billing.Domain.Payments;

/// <summary>
/// The decision for one payment event, fixed once and stored with it, so a replay re-applies exactly the same split.
/// <see cref="ToReceivableMinor"/> + <see cref="ToCreditMinor"/> + <see cref="ToUnappliedMinor"/> = <see cref="DeltaMinor"/>.
/// </summary>
public sealed record PaymentDecision(
    PaymentResolution Resolution,
    UnappliedReason Reason,
    string Detail,
    string? Currency,
    long DeltaMinor,
    long ToReceivableMinor,
    long ToCreditMinor,
    long ToUnappliedMinor,
    InvoicePayments State,
    bool CompletesInvoice);
