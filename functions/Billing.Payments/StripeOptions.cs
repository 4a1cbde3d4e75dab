namespace Billing.Payments;

/// <summary>
/// Stripe settings, bound by the app from the <see cref="SectionName"/> configuration section.
/// A class rather than a record on purpose: a record's generated <c>ToString</c> would print <see cref="SecretKey"/>
/// into any log or exception message that formats the options.
/// </summary>
public sealed class StripeOptions
{
    public const string SectionName = "Billing:Stripe";

    /// <summary>Signing secret for local development only; real deployments must configure their endpoint's secret.</summary>
    public const string LocalWebhookSecret = "whsec_dev_local_only";

    /// <summary>Default accepted clock difference between Stripe's signature timestamp and now (Stripe's own default).</summary>
    public static readonly TimeSpan DefaultWebhookTolerance = TimeSpan.FromSeconds(300);

    /// <summary>
    /// Secret (<c>sk_…</c>) or restricted (<c>rk_…</c>) API key. Empty disables invoice sync, so local runs and tests
    /// work without a Stripe account.
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>Webhook endpoint signing secret (<c>whsec_…</c>); required because the webhook rejects everything without it.</summary>
    public string WebhookSecret { get; set; } = LocalWebhookSecret;

    /// <summary>Optional API base URL override (e.g. a local capture server in tests); null means Stripe's production API.</summary>
    public string? ApiBase { get; set; }

    /// <summary>Maximum age (and future skew) of a webhook signature timestamp; guards against replaying captured requests.</summary>
    public TimeSpan WebhookTolerance { get; set; } = DefaultWebhookTolerance;

    /// <summary>Payment terms of the Stripe invoices (collection method <c>send_invoice</c>).</summary>
    public int DaysUntilDue { get; set; } = 30;

    /// <summary>True when a secret key is configured, i.e. invoices are pushed to Stripe.</summary>
    public bool SyncEnabled => !string.IsNullOrWhiteSpace(SecretKey);
}
