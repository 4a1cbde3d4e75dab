namespace Billing.Domain.Payments;

/// <summary>A payment event as Stripe reported it. <paramref name="AmountMinor"/> is null when the amount did not parse.</summary>
public sealed record IncomingPayment(string EventId, string StripeInvoiceId, string Currency, long? AmountMinor, string? MalformedReason = null);

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
