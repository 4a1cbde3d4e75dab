using System.Globalization;
using static Billing.Storage.Tests.Ledger.LedgerTables;
using Billing.Tests.Shared;

namespace Billing.Storage.Tests.Ledger;

/// <summary>
/// The book's change-over (<see cref="BookFormat"/>): the first entry today's code appends marks it, in its own metadata or,
/// when that is full, in an evidence entry just before it; the head names it from then on, so later appends mark nothing.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class LedgerStoreFormatTests(AzuriteFixture azurite)
{
    private static LedgerEntryDraft Adjustment(string id, int metadataKeys = 0) => new(id, LedgerEntryKind.Adjustment, T0,
        [Posting.Debit("adjustment:carrier-x", "USD", 5), Posting.Credit("revenue:usage", "USD", 5)],
        Enumerable.Range(0, metadataKeys).ToDictionary(i => "k" + i.ToString("D2", CultureInfo.InvariantCulture), _ => "v", StringComparer.Ordinal));

    [Fact]
    public async Task AppendAsync_NewBook_FirstEntryMarksTheChangeOverAndNoLaterOne()
    {
        var (_, store, _) = await LedgerTables.NewAsync(azurite);

        var first = await store.AppendAsync("main", Adjustment("adj-1"), Ct);
        var second = await store.AppendAsync("main", Adjustment("adj-2"), Ct);
        var again = await store.AppendAsync("main", Adjustment("adj-1"), Ct); // idempotent: the draft has no marker, the entry has

        Assert.Equal((true, false), (BookFormat.Marks(first), BookFormat.Marks(second)));
        Assert.Equal(first.Hash, again.Hash);
        Assert.Equal(first.Hash, (await store.ChangeOverEntryAsync("main", Ct))?.Hash);
        Assert.True(await store.IsIndexCompleteAsync("main", Ct));
    }

    [Fact]
    public async Task AppendAsync_FirstDraftWithFullMetadata_AnEvidenceEntryBeforeItMarksTheChangeOver()
    {
        var (_, store, _) = await LedgerTables.NewAsync(azurite);

        var entry = await store.AppendAsync("main", Adjustment("adj-full", LedgerValidation.MaxMetadataEntries), Ct);

        var book = await store.ReadAllAsync("main", Ct);
        Assert.Equal([LedgerEntryKind.BookFormatChanged, LedgerEntryKind.Adjustment], book.Select(e => e.Kind));
        Assert.Equal((2L, book[0].Hash), (entry.Sequence, entry.PreviousHash));
        Assert.True(BookFormat.Marks(book[0]));
        Assert.Empty(HashChain.Verify(book));
        Assert.True(await store.IsIndexCompleteAsync("main", Ct));
    }

    [Fact]
    public async Task AppendAsync_TwoFirstAppendsRacing_OneChangeOver()
    {
        var (tables, store, _) = await LedgerTables.NewAsync(azurite);
        var other = new LedgerStore(tables, TestSeals.Keys);

        await Task.WhenAll(
            Enumerable.Range(0, 4).Select(i => (i % 2 == 0 ? store : other).AppendAsync("main", Adjustment("adj-" + i.ToString(CultureInfo.InvariantCulture)), Ct)));

        var book = await store.ReadAllAsync("main", Ct);
        Assert.Equal(4, book.Count);
        Assert.Equal(1L, Assert.Single(book, BookFormat.Marks).Sequence);
        Assert.Empty(HashChain.Verify(book));
    }

    [Fact]
    public async Task AppendBatchAsync_NewBook_FirstEntryMarksTheChangeOver()
    {
        var (_, store, _) = await LedgerTables.NewAsync(azurite);

        await store.AppendBatchAsync("imported", [Adjustment("imp-1", LedgerValidation.MaxMetadataEntries), Adjustment("imp-2")], Ct);
        await store.AppendBatchAsync("imported", [Adjustment("imp-3")], Ct);

        var book = await store.ReadAllAsync("imported", Ct);
        Assert.Equal([LedgerEntryKind.BookFormatChanged, LedgerEntryKind.Adjustment, LedgerEntryKind.Adjustment, LedgerEntryKind.Adjustment], book.Select(e => e.Kind));
        Assert.Equal(1L, Assert.Single(book, BookFormat.Marks).Sequence);
        Assert.Empty(HashChain.Verify(book));
        Assert.Equal(1L, (await store.ChangeOverEntryAsync("imported", Ct))?.Sequence);
    }

    [Fact]
    public async Task IsIndexCompleteAsync_HeadNamingAnEntryThatDoesNotMarkIt_NotComplete()
    {
        var (_, store, _) = await LedgerTables.NewAsync(azurite);
        await store.AppendAsync("main", Adjustment("adj-1"), Ct);
        await store.AppendAsync("main", Adjustment("adj-2"), Ct);
        var head = (await store.Table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey("main"), LedgerStore.HeadRowKey, cancellationToken: Ct)).Value;

        head["FormatSince"] = 2L;
        await store.Table.UpdateEntityAsync(head, head.ETag, TableUpdateMode.Replace, Ct);

        Assert.Null(await store.ChangeOverEntryAsync("main", Ct));
        Assert.False(await store.IsIndexCompleteAsync("main", Ct));
    }
}
