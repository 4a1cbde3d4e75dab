namespace Billing.Payments;

/// <summary>Outcome of <see cref="StripeInvoiceSync.SyncAsync"/>: either synced, or skipped because sync is disabled.</summary>
public abstract record StripeSyncResult
{
    private StripeSyncResult()
    {
    }

    /// <summary>No secret key is configured; nothing was sent to Stripe. The invoice stays without a Stripe id.</summary>
    public sealed record Disabled : StripeSyncResult
    {
        public static readonly Disabled Instance = new();

        private Disabled()
        {
        }
    }

    /// <summary>The invoice exists in Stripe and is finalized (status <c>open</c>, or <c>paid</c> when it totals zero).</summary>
    /// <param name="CustomerId">Stripe customer of the payer (<c>cus_…</c>); store it and pass it to later syncs.</param>
    /// <param name="StripeInvoiceId">Stripe invoice id (<c>in_…</c>); store it on our invoice.</param>
    /// <param name="HostedInvoiceUrl">Stripe's payment page for the invoice, when Stripe returned one.</param>
    public sealed record Synced(string CustomerId, string StripeInvoiceId, string? HostedInvoiceUrl) : StripeSyncResult;
}
