namespace Billing.Contracts.Ledger;

/// <summary>
/// A ledger entry with every field its hash covers, in the order of the domain's hashed form, so anyone can recompute
/// <see cref="Hash"/>; <see cref="OccurredAtTicks"/> is a decimal string. <see cref="RecordedAt"/> (storage's write time,
/// for the anchoring deadline) is not hashed and only present in <c>GET /api/v1/ledger/entries</c>.
/// </summary>
public sealed record LedgerEntryView(
    string Book,
    long Sequence,
    string EntryId,
    string Kind,
    string OccurredAt,
    string OccurredAtTicks,
    IReadOnlyList<LedgerPostingView> Postings,
    IReadOnlyDictionary<string, string> Metadata,
    string PreviousHash,
    string Hash)
{
    [JsonPropertyOrder(1)]
    public string? RecordedAt { get; init; }
}
