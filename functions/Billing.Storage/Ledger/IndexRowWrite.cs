namespace Billing.Storage.Ledger;

/// <summary>What <see cref="LedgerStore.AddIndexRowAsync"/> found: it wrote the row, the row was there as it would write it, or a row of other content holds the key (left as is).</summary>
public enum IndexRowWrite
{
    Written,
    AlreadyThere,
    OtherContent,
}
