namespace Billing.Application.Partners;

/// <summary>A new API key (plain text only here), its id, and until when the keys it replaced keep working (<c>null</c>: none left).</summary>
public sealed record RotatedKey(string ApiKey, string KeyId, DateTimeOffset? PreviousKeysValidUntil);
