namespace Billing.Application.Partners;

/// <summary>One partner to register at start (<see cref="PartnerOptions.Items"/>).</summary>
public sealed class PartnerSeed
{
    public string Id { get; set; } = "";

    public PartnerRole Role { get; set; }

    public string ApiKey { get; set; } = "";

    public string? PlanId { get; set; }

    /// <summary>
    /// For a payer: the providers it lets bill it (<see cref="Partner.Providers"/>), ids of configured providers; a
    /// comma-separated list or an array (<c>Providers__0</c>, …). Granted when the configured list changes.
    /// </summary>
    public List<string> Providers { get; set; } = [];

    /// <summary>The providers listed: each entry split at its commas, blanks dropped.</summary>
    public IReadOnlyList<string> ProviderIds() => Burns.RetiredKeys.Of(Providers);
}
