namespace Billing.Application.Partners;

/// <summary>A new API key (plain text only here), its id, and until when the keys it replaced keep working (<c>null</c>: none left).</summary>
public sealed record RotatedKey(string ApiKey, string KeyId, DateTimeOffset? PreviousKeysValidUntil)
{
    /// <summary>The keys that were still valid and were stopped by this rotation (a revoking one); empty otherwise.</summary>
    public IReadOnlyList<string> RevokedKeyIds { get; init; } = [];
}
