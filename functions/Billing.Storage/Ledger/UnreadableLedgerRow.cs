namespace Billing.Storage.Ledger;

/// <summary>
/// A row of the ledger or anchors table holding what this platform never writes there: a value of another type (planted
/// by someone with write access to storage), a required property removed, postings or metadata that are not what the
/// codec writes. Which row, which property and why; readers report it, and nothing is computed, appended or anchored on
/// top of it.
/// </summary>
public sealed record UnreadableLedgerRow(string Table, string PartitionKey, string RowKey, string Property, string Reason)
{
    public override string ToString() =>
        $"row (table '{Table}', partition '{PartitionKey}', row '{RowKey}'), property '{Property}': {Reason}; the row was not written by this platform";
}
