using System.Collections.Frozen;

namespace Billing.Application.Startup;

/// <summary>
/// The credentials local runs use, which are public (<c>local.settings.sample.json</c>, the README, docs/contract.md §2): the
/// partner API keys below and the webhook secret <see cref="StripeOptions.LocalWebhookSecret"/>, with which anyone can sign a
/// payment. <see cref="PublicLocalCredentialsValidator"/> accepts them only against tables on this machine.
/// </summary>
public static class PublicLocalCredentials
{
    /// <summary>The API keys of the local sample's partners (a test keeps this list and the sample's keys alike).</summary>
    public static readonly FrozenSet<string> ApiKeys = new[]
    {
        "dev-carrier-tmo-key", "dev-provider-nodeops-key", "dev-tenant-lab-key", "dev-finance-key", "dev-provider-grass-key",
        "dev-provider-mapper-key", "dev-provider-render-key", "dev-provider-inference-key", "dev-tenant-scraper-key",
        "dev-tenant-fleet-key", "dev-tenant-studio-key", "dev-tenant-ai-key",
    }.ToFrozenSet(StringComparer.Ordinal);
}
