namespace Billing.Payments;

/// <summary>
/// Stripe settings, bound by the app from the <see cref="SectionName"/> configuration section.
/// A class rather than a record on purpose: a record's generated <c>ToString</c> would print <see cref="SecretKey"/>
/// into any log or exception message that formats the options.
/// </summary>
public sealed class StripeOptions
{
    public const string SectionName = "Billing:Stripe";

    /// <summary>
    /// The public signing secret of local runs, which set it explicitly (<c>local.settings.sample.json</c>, the tests); never
    /// a default: anyone can sign with it.
    /// </summary>
    public const string LocalWebhookSecret = "whsec_dev_local_only";

    /// <summary>Default accepted clock difference between Stripe's signature timestamp and now (Stripe's own default).</summary>
    public static readonly TimeSpan DefaultWebhookTolerance = TimeSpan.FromSeconds(300);

    /// <summary>
    /// Secret (<c>sk_…</c>) or restricted (<c>rk_…</c>) API key. Empty disables invoice sync, so local runs and tests
    /// work without a Stripe account.
    /// </summary>
    public string? SecretKey { get; set; }

    /// <summary>
    /// Webhook endpoint signing secret (<c>whsec_…</c>). No default: start-up refuses a missing one, so a deployment that
    /// leaves it out stops at once instead of accepting payments anyone signed with <see cref="LocalWebhookSecret"/>.
    /// </summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Optional API base URL override (e.g. a local capture server in tests); null means Stripe's production API.</summary>
    public string? ApiBase { get; set; }

    /// <summary>Maximum age (and future skew) of a webhook signature timestamp; guards against replaying captured requests.</summary>
    public TimeSpan WebhookTolerance { get; set; } = DefaultWebhookTolerance;

    /// <summary>Payment terms of the Stripe invoices (collection method <c>send_invoice</c>).</summary>
    public int DaysUntilDue { get; set; } = 30;

    /// <summary>
    /// The mode of <see cref="SecretKey"/>: true for a live-mode key (<c>sk_live_</c>, <c>rk_live_</c>), false for a test-mode
    /// one (<c>sk_test_</c>, <c>rk_test_</c>), null when no key tells (none configured: local runs and tests).
    /// </summary>
    public bool? KeyLivemode =>
        SecretKey is not { } key ? null
        : key.StartsWith("sk_live_", StringComparison.Ordinal) || key.StartsWith("rk_live_", StringComparison.Ordinal) ? true
        : key.StartsWith("sk_test_", StringComparison.Ordinal) || key.StartsWith("rk_test_", StringComparison.Ordinal) ? false
        : null;

    /// <summary>True when a secret key is configured, i.e. invoices are pushed to Stripe.</summary>
    public bool SyncEnabled => !string.IsNullOrWhiteSpace(SecretKey);
}
