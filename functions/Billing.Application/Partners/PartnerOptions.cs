namespace Billing.Application.Partners;

/// <summary>Partners to register at start (local and test environments). Bound from <c>Billing:Partners</c>.</summary>
public sealed class PartnerOptions
{
    public const string Section = "Billing:Partners";

    /// <summary>When true, <see cref="Items"/> are upserted into the registry at start. Off in Azure, where partners are provisioned.</summary>
    public bool Seed { get; set; }

    public List<PartnerSeed> Items { get; set; } = [];

    /// <summary>How long an authenticated key and the partner list are cached.</summary>
    public TimeSpan CacheTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the keys a rotation replaces keep working (<c>Billing:Partners:KeyRotationOverlap</c>, 0 to 30 days).</summary>
    public TimeSpan KeyRotationOverlap { get; set; } = TimeSpan.FromHours(24);
}
