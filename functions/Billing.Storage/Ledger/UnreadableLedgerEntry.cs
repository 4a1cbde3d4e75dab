namespace Billing.Storage.Ledger;

/// <summary>
/// An entry row that cannot be read, with what of it still can: its sequence (the property, else the row key), and its
/// entry id and stored hash when they are text, so a verifier can name it and go on linking the entries around it.
/// </summary>
public sealed record UnreadableLedgerEntry(long Sequence, string? EntryId, string? StoredHash, UnreadableLedgerRow Row);
