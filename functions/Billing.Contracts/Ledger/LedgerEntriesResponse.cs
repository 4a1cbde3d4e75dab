namespace Billing.Contracts.Ledger;

/// <summary>
/// <c>GET /api/v1/ledger/entries?from=&amp;limit=</c>: a page of entries; <see cref="Next"/> is the next page's <c>from</c>,
/// <c>null</c> after the last. Rows of the page that cannot be read are listed in <see cref="Unreadable"/> (absent when
/// there are none) instead of failing the page; <see cref="Head"/> is <c>null</c> when the head row is one of them.
/// </summary>
public sealed record LedgerEntriesResponse(
    string Book,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] LedgerHeadView? Head,
    IReadOnlyList<LedgerEntryView> Entries,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? Next)
{
    public IReadOnlyList<LedgerUnreadableRowView>? Unreadable { get; init; }
}
