namespace Billing.Storage;

/// <summary>A page of audit entries, oldest first; <see cref="Next"/> is the cursor of the next page (<c>null</c> after the last).</summary>
public sealed record PartnerAuditPage(IReadOnlyList<PartnerAuditEntry> Entries, string? Next);
