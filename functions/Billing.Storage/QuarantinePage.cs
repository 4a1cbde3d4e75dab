namespace Billing.Storage;

/// <summary>A page of quarantined events; <see cref="Next"/> is the cursor of the next page (<c>null</c> after the last).</summary>
public sealed record QuarantinePage(IReadOnlyList<QuarantineEntry> Entries, string? Next);
