namespace Billing.Contracts.Ledger;

/// <summary><c>GET /api/v1/ledger/entries?from=&amp;limit=</c>: a page of entries; <see cref="Next"/> is the next page's <c>from</c>, <c>null</c> after the last.</summary>
public sealed record LedgerEntriesResponse(
    string Book,
    LedgerHeadView Head,
    IReadOnlyList<LedgerEntryView> Entries,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? Next);
