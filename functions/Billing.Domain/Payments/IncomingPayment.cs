namespace Billing.Domain.Payments;

/// <summary>
/// A payment event as Stripe reported it. <paramref name="AmountMinor"/> is null when the amount did not parse;
/// <paramref name="StripeCustomerId"/> is the customer of the Stripe invoice that was paid (<c>cus_…</c>).
/// </summary>
public sealed record IncomingPayment(string EventId, string StripeInvoiceId, string Currency, long? AmountMinor, string? MalformedReason = null, string? StripeCustomerId = null)
{
    /// <summary>
    /// The invoice the Stripe invoice's metadata names when that is not the invoice the platform synced the Stripe invoice to
    /// (the one the payment is decided against): the metadata was edited, so the payment is recorded unapplied.
    /// </summary>
    public string? MetadataNames { get; init; }

    /// <summary>Why the Stripe invoice's metadata names no invoice of ours; with no invoice synced to it either, the payment is recorded unapplied.</summary>
    public string? MetadataProblem { get; init; }

    /// <summary>Stripe says the invoice was marked paid outside Stripe (<c>paid_out_of_band</c>): no money arrived through Stripe.</summary>
    public bool PaidOutOfBand { get; init; }

    /// <summary>Why the event is of the other Stripe mode (test or live) than the deployment's API key, or null: not this deployment's money.</summary>
    public string? LivemodeMismatch { get; init; }
}
