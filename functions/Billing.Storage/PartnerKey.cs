namespace Billing.Storage;

/// <summary>One API key of a partner, as stored: its id, SHA-256 hash (never the key), when it was made and, for a
/// rotated-out key, when it stops working (<c>null</c>: until the next rotation).</summary>
public sealed record PartnerKey(string Id, string Hash, DateTimeOffset? CreatedAt, DateTimeOffset? ExpiresAt)
{
    /// <summary>Whether the key authenticates at <paramref name="now"/>.</summary>
    public bool IsValidAt(DateTimeOffset now) => ExpiresAt is not { } expires || now < expires;
}
