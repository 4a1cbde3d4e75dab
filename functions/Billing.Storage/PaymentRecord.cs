namespace Billing.Storage;

/// <summary>
/// A payment as Stripe reported it, and what it did to its invoice. <see cref="Resolution"/> is null for a row written
/// without a decision (only older code and tests do that); the split amounts then are zero.
/// </summary>
public sealed record PaymentRecord(
    string StripeEventId,
    string InvoiceId,
    string Payer,
    long AmountMinor,
    string Currency,
    string? StripeInvoiceId,
    string? StripeCustomerId,
    string? PaymentIntentId,
    DateTimeOffset PaidAt,
    DateTimeOffset ReceivedAt)
{
    public PaymentResolution? Resolution { get; init; }

    public UnappliedReason Reason { get; init; }

    public string? Detail { get; init; }

    /// <summary>The amount as Stripe sent it when it was not a non-negative integer (AmountMinor is then 0).</summary>
    public string? AmountText { get; init; }

    public long DeltaMinor { get; init; }

    public long ToReceivableMinor { get; init; }

    public long ToCreditMinor { get; init; }

    public long ToUnappliedMinor { get; init; }

    /// <summary>
    /// Why Stripe, asked when the payment was settled, does not confirm it (reason and what Stripe answered); null when it
    /// confirmed it or was not asked. A refuted payment is not booked and does not count as paid.
    /// </summary>
    public string? StripeRefutation { get; init; }
}
