namespace Billing.Storage;

/// <summary>A partner plus the API key it authenticates with (plain text only on the way in, e.g. when seeding).</summary>
public sealed record PartnerRegistration(Partner Partner, string ApiKey)
{
    /// <summary>When the registration happens (the partner's and the key's creation time when they are new).</summary>
    public DateTimeOffset? At { get; init; }
}
