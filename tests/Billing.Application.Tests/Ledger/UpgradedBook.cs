namespace Billing.Application.Tests.Ledger;

/// <summary>
/// The main book as a deployment of before 2026-12-06 left it, made from one booked today: its entries, id rows and head
/// as they are, without the subject index rows (<c>ix|…</c>), the index cursor and the change-over marker
/// (<see cref="BookFormat"/>) the ledger writes since: the marked entry is rewritten without it, with the chain after it
/// (<see cref="LedgerForgery"/>), and the head no longer names it. Nor has it seals (<see cref="LedgerSealKeys"/>, since
/// 2026-12-06 too): no row carries one, no entry the <see cref="SealMarker"/>, the head no <c>SealedSince</c>.
/// </summary>
internal static class UpgradedBook
{
    public static async Task StripAsync(LedgerStore ledger)
    {
        string pk = LedgerStore.PartitionKey(LedgerEntries.MainBook);
        foreach (var marked in (await ledger.ReadAllAsync(LedgerEntries.MainBook, CancellationToken.None)).Where(e => e.Metadata.ContainsKey(BookFormat.Key) || e.Metadata.ContainsKey(SealMarker.Key)))
        {
            Assert.NotEqual(LedgerEntryKind.BookFormatChanged, marked.Kind); // a test book marks an entry of its own
            await LedgerForgery.RewriteAsync(ledger, marked.Sequence, e => (e.Postings, e.Metadata.Where(m => m.Key is not BookFormat.Key and not SealMarker.Key).ToDictionary(StringComparer.Ordinal)));
        }

        await foreach (var row in ledger.Table.QueryAsync<TableEntity>(e => e.PartitionKey == pk))
        {
            if (row.RowKey.StartsWith("ix|", StringComparison.Ordinal) || row.RowKey == LedgerStore.IndexCursorRowKey)
            {
                await ledger.Table.DeleteEntityAsync(pk, row.RowKey, Azure.ETag.All);
            }
            else if (row.RowKey == LedgerStore.HeadRowKey && (row.Remove("FormatSince") | row.Remove("SealedSince")) || row.Remove(LedgerStore.SealColumn))
            {
                await ledger.Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
            }
        }
    }
}
