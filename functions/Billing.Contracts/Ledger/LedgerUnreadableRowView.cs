namespace Billing.Contracts.Ledger;

/// <summary>
/// A row of the book that cannot be read: it holds what the platform never writes there (a value of another type, a
/// required property removed), planted by someone with write access to storage. <see cref="Row"/> is its row key (a
/// 19-digit sequence, or <c>head</c>), <see cref="Detail"/> names the table, row and property and says why; the sequence,
/// entry id and stored hash are given when they can still be read. Its entry is not among the page's entries;
/// <c>ledger verify</c> reports it too.
/// </summary>
public sealed record LedgerUnreadableRowView(
    string Row,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] long? Sequence,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? EntryId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Hash,
    string Detail)
{
    /// <summary>Storage's write time of the row (for the anchoring deadline); absent for the head.</summary>
    public string? RecordedAt { get; init; }
}
