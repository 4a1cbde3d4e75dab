namespace Billing.Storage;

/// <summary>
/// What audit verification reads of one partner, as one consistent snapshot (the row did not change while it was read),
/// unless <paramref name="ChangedWhileRead"/> is above zero: then the row changed during every read, and what was read
/// last may hold the row of one moment and the entries of another (nothing to verify: read again later).
/// </summary>
/// <param name="PartnerId">The partner.</param>
/// <param name="Record">Its row; null when the row is missing or cannot be read (<paramref name="Unreadable"/> says why).</param>
/// <param name="Unreadable">Why the row exists but cannot be read as a partner; null otherwise.</param>
/// <param name="Entries">Its audit entries (the by-partner rows), oldest first.</param>
/// <param name="TimeCopies">The by-time copy of each entry, in the same order; null where it is missing.</param>
/// <param name="ChangedWhileRead">How many reads in a row saw the row change before they were done; 0 for a consistent snapshot.</param>
public sealed record PartnerAuditTrail(
    string PartnerId,
    PartnerRecord? Record,
    string? Unreadable,
    IReadOnlyList<PartnerAuditEntry> Entries,
    IReadOnlyList<PartnerAuditEntry?> TimeCopies,
    int ChangedWhileRead = 0);
