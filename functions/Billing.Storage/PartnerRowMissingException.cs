namespace Billing.Storage;

/// <summary>
/// An API key's key row names a partner whose row is gone while its audit trail remains: the row was removed outside the
/// platform. Without it the key cannot be checked (expiry, revocation, status), so it authenticates nothing, but the
/// holder is told the record is missing rather than that its key is wrong. A storage problem to report, never retried.
/// </summary>
public sealed class PartnerRowMissingException(string partnerId)
    : InvalidOperationException($"the partner row of '{partnerId}' is missing while its audit trail remains: it was removed outside the platform")
{
    /// <summary>The partner whose row is missing.</summary>
    public string PartnerId { get; } = partnerId;
}
