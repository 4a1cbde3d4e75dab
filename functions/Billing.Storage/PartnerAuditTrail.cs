namespace Billing.Storage;

/// <summary>
/// What audit verification reads of one partner, as one consistent snapshot (the row did not change while it was read).
/// </summary>
/// <param name="PartnerId">The partner.</param>
/// <param name="Record">Its row; null when the row is missing or cannot be read (<paramref name="Unreadable"/> says why).</param>
/// <param name="Unreadable">Why the row exists but cannot be read as a partner; null otherwise.</param>
/// <param name="Entries">Its audit entries (the by-partner rows), oldest first.</param>
/// <param name="TimeCopies">The by-time copy of each entry, in the same order; null where it is missing.</param>
public sealed record PartnerAuditTrail(
    string PartnerId,
    PartnerRecord? Record,
    string? Unreadable,
    IReadOnlyList<PartnerAuditEntry> Entries,
    IReadOnlyList<PartnerAuditEntry?> TimeCopies);
