using System.Security.Cryptography;
using static Billing.Storage.Tests.Ledger.LedgerTables;
using Billing.Tests.Shared;

namespace Billing.Storage.Tests.Ledger;

/// <summary>
/// Seals (<see cref="LedgerSealKeys"/>): every row the store appends carries one made with the current key; a row read says
/// whether a configured key (current or retired) made its seal, none did, or it has none.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class LedgerStoreSealTests(AzuriteFixture azurite)
{
    private static LedgerEntryDraft Adjustment(string id) => new(id, LedgerEntryKind.Adjustment, T0,
        [Posting.Debit("adjustment:carrier-x", "USD", 5), Posting.Credit("revenue:usage", "USD", 5)]);

    private static LedgerSealKeys NewKeys(params byte[][] retired) => new(RandomNumberGenerator.GetBytes(32), retired);

    [Fact]
    public async Task AppendAsync_EveryPath_RowsSealedWithTheCurrentKeyAndTheFirstMarked()
    {
        var (tables, store, _) = await LedgerTables.NewAsync(azurite);

        await store.AppendAsync("main", Adjustment("adj-1"), Ct);
        await store.AppendBatchAsync("main", [Adjustment("adj-2"), Adjustment("adj-3")], Ct);
        await store.AppendAsync("other", Adjustment("adj-1"), Ct);

        var book = await store.ReadAllAsync("main", Ct);
        Assert.All(book, e => Assert.Equal(EntrySealState.Sealed, e.SealState));
        Assert.All(book, e => Assert.StartsWith(TestSeals.Keys.CurrentKeyId + ":", e.StoredSeal, StringComparison.Ordinal));
        Assert.Equal([true, false, false], book.Select(SealMarker.Marks));
        Assert.True((await store.GetAsync("other", "adj-1", Ct))!.IsSealed);
        Assert.Equal(EntrySealState.Sealed, (await new LedgerStore(tables, TestSeals.Keys).GetAsync("main", "adj-3", Ct))!.SealState);
    }

    [Fact]
    public async Task GetAsync_SealMadeWithARetiredKey_SealedWhileListedInvalidOnceRemoved()
    {
        var (tables, _, _) = await LedgerTables.NewAsync(azurite);
        byte[] old = RandomNumberGenerator.GetBytes(32);
        await new LedgerStore(tables, new LedgerSealKeys(old, [])).AppendAsync("main", Adjustment("adj-old"), Ct);

        var rotated = new LedgerStore(tables, NewKeys(old));
        var afterRotation = await rotated.AppendAsync("main", Adjustment("adj-new"), Ct);
        var removed = new LedgerStore(tables, NewKeys());

        Assert.Equal(EntrySealState.Sealed, (await rotated.GetAsync("main", "adj-old", Ct))!.SealState);
        Assert.Equal(EntrySealState.Sealed, (await rotated.GetAsync("main", "adj-new", Ct))!.SealState);
        Assert.NotEqual(LedgerSealKeys.KeyIdIn((await rotated.GetAsync("main", "adj-old", Ct))!.StoredSeal), LedgerSealKeys.KeyIdIn(afterRotation.StoredSeal));
        Assert.Equal(EntrySealState.Invalid, (await removed.GetAsync("main", "adj-old", Ct))!.SealState);
    }

    [Fact]
    public async Task GetAsync_SealOfAnotherKeyOrMovedToAnotherEntryOrStripped_NotSealed()
    {
        var (tables, store, _) = await LedgerTables.NewAsync(azurite);
        await store.AppendAsync("main", Adjustment("adj-1"), Ct);
        var second = await store.AppendAsync("main", Adjustment("adj-2"), Ct);
        await PlantedEntries.AppendForgedAsync(tables, "main", Adjustment("adj-forged"));
        await PlantedEntries.AppendUnsealedAsync(tables, "main", Adjustment("adj-planted"));
        var row = (await store.Table.GetEntityAsync<TableEntity>("main", LedgerStore.SequenceRowKey(1), cancellationToken: Ct)).Value;
        row[LedgerStore.SealColumn] = second.StoredSeal; // a real seal, of entry 2
        await store.Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);

        var book = await store.ReadAllAsync("main", Ct);

        Assert.Equal([EntrySealState.Invalid, EntrySealState.Sealed, EntrySealState.Invalid, EntrySealState.Unsealed], book.Select(e => e.SealState));
        Assert.Empty(HashChain.Verify(book)); // the chain alone cannot tell them apart
    }

    [Fact]
    public async Task ReadAsync_SealedRowCopiedToAnotherBookKeepingItsBookColumn_Invalid()
    {
        // Before: the seal was checked against the row's own Book column, so a row copied whole into another book read sealed there.
        var (_, store, _) = await LedgerTables.NewAsync(azurite);
        await store.AppendAsync("main", Adjustment("adj-1"), Ct);
        var row = (await store.Table.GetEntityAsync<TableEntity>("main", LedgerStore.SequenceRowKey(1), cancellationToken: Ct)).Value;
        await store.Table.AddEntityAsync(new TableEntity(row) { PartitionKey = LedgerStore.PartitionKey("other") }, Ct);

        var copied = Assert.Single(await store.ReadAllAsync("other", Ct));

        Assert.Equal(EntrySealState.Invalid, copied.SealState);
        Assert.Equal(EntrySealState.Sealed, Assert.Single(await store.ReadAllAsync("main", Ct)).SealState);
    }

    [Fact]
    public async Task IndexCursorAsync_SavedByTheStore_SealedAndOneWrittenBesideIt_NotSealed()
    {
        var (tables, store, _) = await LedgerTables.NewAsync(azurite);
        var cursor = new LedgerIndexCursor(3, new string('a', 64), false);
        var etag = await store.SaveIndexCursorAsync("main", cursor, null, Ct);
        Assert.Equal(EntrySealState.Sealed, (await store.IndexCursorAsync("main", Ct)).Cursor!.SealState);

        await new LedgerStore(tables, PlantedEntries.ForeignKeys).SaveIndexCursorAsync("main", cursor with { IndexedThrough = 9 }, etag, Ct);
        Assert.Equal(EntrySealState.Invalid, (await store.IndexCursorAsync("main", Ct)).Cursor!.SealState);

        var row = (await store.Table.GetEntityAsync<TableEntity>("main", LedgerStore.IndexCursorRowKey, cancellationToken: Ct)).Value;
        row.Remove(LedgerStore.SealColumn);
        await store.Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);
        Assert.Equal(EntrySealState.Unsealed, (await store.IndexCursorAsync("main", Ct)).Cursor!.SealState);
    }

    [Fact]
    public async Task IsIndexCompleteAsync_BookCreatedIndexedWhoseFirstEntryIsUnsealed_NotComplete()
    {
        var (tables, store, _) = await LedgerTables.NewAsync(azurite);
        await store.AppendAsync("main", Adjustment("adj-1"), Ct);
        Assert.True(await store.IsIndexCompleteAsync("main", Ct));

        await PlantedEntries.StripSealAsync(tables, "main", 1); // a book created so before entries were sealed, or a planted one

        Assert.False(await store.IsIndexCompleteAsync("main", Ct));
    }
}
