namespace Billing.Application.Tests.Ledger;

/// <summary>
/// The main book as a deployment of before 2026-12-06 left it, made from one booked today: its entries, id rows and head
/// as they are, without the subject index rows (<c>ix|…</c>) and the index cursor the ledger writes since.
/// </summary>
internal static class UpgradedBook
{
    public static async Task StripAsync(LedgerStore ledger)
    {
        string pk = LedgerStore.PartitionKey(LedgerEntries.MainBook);
        await foreach (var row in ledger.Table.QueryAsync<TableEntity>(e => e.PartitionKey == pk, select: ["PartitionKey", "RowKey"]))
        {
            if (row.RowKey.StartsWith("ix|", StringComparison.Ordinal) || row.RowKey == LedgerStore.IndexCursorRowKey)
            {
                await ledger.Table.DeleteEntityAsync(pk, row.RowKey, Azure.ETag.All);
            }
        }
    }
}
