namespace Billing.Storage;

/// <summary>
/// A partner's registry row: the domain <see cref="Partner"/> (role, plans, status), its profile, and its keys (hashes
/// only). <see cref="Keys"/>[0] is the current key; the others were rotated out and work until their expiry.
/// </summary>
public sealed record PartnerRecord(Partner Partner, IReadOnlyList<PartnerKey> Keys)
{
    public string? DisplayName { get; init; }

    public string? BillingEmail { get; init; }

    public string? StripeCustomerId { get; init; }

    public DateTimeOffset? CreatedAt { get; init; }

    /// <summary>Hash of the key local seeding installed last: seeding replaces the key only when the configured one changes.</summary>
    internal string? SeedKeyHash { get; init; }

    /// <summary>The providers local seeding granted last (<see cref="PartnerAuditChain.ProvidersText"/>): seeding grants again only when the configured list changes.</summary>
    internal string? SeedProviders { get; init; }

    /// <summary>The hash of the partner's last audit entry (<see cref="PartnerAuditChain"/>), written with it in one transaction; null before the first.</summary>
    public string? AuditHead { get; init; }

    /// <summary>How many audit entries the partner has; null when never written (or not a number in storage).</summary>
    public long? AuditCount { get; init; }

    /// <summary>The row's ETag, for an update that must not overwrite a concurrent one.</summary>
    public Azure.ETag ETag { get; init; }
}
