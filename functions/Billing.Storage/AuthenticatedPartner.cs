namespace Billing.Storage;

/// <summary>The partner a key belongs to, and until when that key works (<c>null</c>: no expiry set), so a cache never outlives it.</summary>
public sealed record AuthenticatedPartner(Partner Partner, DateTimeOffset? ValidUntil);
