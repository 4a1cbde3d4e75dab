namespace Billing.Storage;

/// <summary>A partner row's audit head as stored: the last entry's hash and the entry count (null when unset or not of the type written there).</summary>
public sealed record PartnerAuditHead(string PartnerId, string? Head, long? Count);
