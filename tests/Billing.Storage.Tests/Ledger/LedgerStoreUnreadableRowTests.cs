using static Billing.Storage.Tests.Ledger.LedgerTables;
using Billing.Tests.Shared;

namespace Billing.Storage.Tests.Ledger;

/// <summary>
/// Rows of a book changed outside the platform (a value of another type, a property removed): reads name the row and
/// the property, and an append refuses rather than chain onto what it cannot read. Real Azurite.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class LedgerStoreUnreadableRowTests(AzuriteFixture azurite)
{
    private static LedgerEntryDraft Payment(string eventId) =>
        LedgerEntries.PaymentReceived(eventId, "INV-carrier-tmo-202610", "carrier-tmo", 1_000, "USD", T0)!;

    /// <summary>A book of <paramref name="count"/> payments (evt_1, evt_2, …).</summary>
    private async Task<LedgerStore> BookAsync(int count, string book = "main")
    {
        var (_, store, _) = await LedgerTables.NewAsync(azurite);
        for (int i = 1; i <= count; i++)
        {
            await store.AppendAsync(book, Payment($"evt_{i}"), Ct);
        }

        return store;
    }

    private static async Task ChangeAsync(LedgerStore store, string rowKey, Action<TableEntity> change, string book = "main")
    {
        var row = (await store.Table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey(book), rowKey, cancellationToken: Ct)).Value;
        change(row);
        await store.Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);
    }

    private static async Task<List<T>> ListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    [Fact]
    public async Task ReadRecordedAsync_RowHoldsAValueOfAnotherType_ListsItApartWithWhatCanStillBeReadAndGoesOn()
    {
        var store = await BookAsync(3);
        string hash = (await store.GetAsync("main", "payment:evt_2", Ct))!.Hash;
        await ChangeAsync(store, LedgerStore.SequenceRowKey(2), row => row["Postings"] = 12);

        var rows = await ListAsync(store.ReadRecordedAsync("main", 1, Ct));

        Assert.Equal([1L, 2L, 3L], rows.Select(r => r.Sequence));
        Assert.NotNull(rows[0].Entry);
        Assert.NotNull(rows[2].Entry);
        var bad = rows[1].Unreadable!;
        Assert.Null(rows[1].Entry);
        Assert.Equal((2L, "payment:evt_2", hash), (bad.Sequence, bad.EntryId, bad.StoredHash));
        Assert.Equal((store.Table.Name, "main", LedgerStore.SequenceRowKey(2), "Postings"), (bad.Row.Table, bad.Row.PartitionKey, bad.Row.RowKey, bad.Row.Property));
        Assert.Equal("Edm.Int32 found, Edm.String expected", bad.Row.Reason);
    }

    [Fact]
    public async Task ReadAsync_RowHoldsAValueOfAnotherType_ThrowsInvalidDataExceptionNamingRowAndProperty()
    {
        var store = await BookAsync(2);
        await ChangeAsync(store, LedgerStore.SequenceRowKey(2), row => row["Sequence"] = "2");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.ReadAllAsync("main", Ct));

        Assert.Contains($"row '{LedgerStore.SequenceRowKey(2)}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("property 'Sequence': Edm.String found, Edm.Int64 expected", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LastSequence", "2")]
    [InlineData("LastHash", 2L)]
    [InlineData("LastEntryId", 2)]
    public async Task AppendAsync_HeadHoldsAValueOfAnotherType_RefusesNamingTheHeadAndWritesNothing(string property, object value)
    {
        var store = await BookAsync(2);
        await ChangeAsync(store, LedgerStore.HeadRowKey, row => row[property] = value);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.AppendAsync("main", Payment("evt_3"), Ct));

        Assert.Contains("row 'head'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"property '{property}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await store.ReadAllAsync("main", Ct)).Count);
        Assert.Null(await store.GetAsync("main", "payment:evt_3", Ct));
    }

    [Fact]
    public async Task AppendAsync_HeadHashRemoved_RefusesInsteadOfChainingFromTheGenesisHash()
    {
        var store = await BookAsync(2);
        await ChangeAsync(store, LedgerStore.HeadRowKey, row => row.Remove("LastHash"));

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.AppendAsync("main", Payment("evt_3"), Ct));

        Assert.Contains("property 'LastHash': missing", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await store.ReadAllAsync("main", Ct)).Count);
    }

    [Fact]
    public async Task AppendAsync_LastEntryUnreadable_RefusesNamingItsRow()
    {
        var store = await BookAsync(2);
        await ChangeAsync(store, LedgerStore.SequenceRowKey(2), row => row["Hash"] = 7);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.AppendAsync("main", Payment("evt_3"), Ct));

        Assert.Contains($"row '{LedgerStore.SequenceRowKey(2)}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("property 'Hash'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await ListAsync(store.ReadRecordedAsync("main", 1, Ct))).Count);
    }

    [Fact]
    public async Task AppendAsync_LastEntryHoldsAnotherHashThanTheHead_Refuses()
    {
        var store = await BookAsync(2);
        await ChangeAsync(store, LedgerStore.SequenceRowKey(2), row => row["Hash"] = new string('e', 64));

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.AppendAsync("main", Payment("evt_3"), Ct));

        Assert.Contains("holds hash " + new string('e', 64), ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await store.ReadAllAsync("main", Ct)).Count);
    }

    [Fact]
    public async Task AppendAsync_HeadRemovedWhileEntriesExist_RefusesInsteadOfRestartingTheChain()
    {
        var (tables, _, _) = await LedgerTables.NewAsync(azurite);
        var store = new LedgerStore(tables, TestSeals.Keys, maxAttempts: 3);
        await store.AppendAsync("main", Payment("evt_1"), Ct);
        await store.Table.DeleteEntityAsync("main", LedgerStore.HeadRowKey, cancellationToken: Ct);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.AppendAsync("main", Payment("evt_2"), Ct));

        Assert.Contains("no head row", ex.Message, StringComparison.Ordinal);
        Assert.Single(await store.ReadAllAsync("main", Ct));
    }

    [Fact]
    public async Task AppendAsync_AnotherBooksHeadUnreadable_ThisBookStillAppends()
    {
        var store = await BookAsync(1, "sandbox");
        await store.AppendAsync("main", Payment("evt_1"), Ct);
        await ChangeAsync(store, LedgerStore.HeadRowKey, row => row["LastSequence"] = "1", "sandbox");

        LedgerEntry next = await store.AppendAsync("main", Payment("evt_2"), Ct);

        Assert.Equal(2, next.Sequence);
        await Assert.ThrowsAsync<InvalidDataException>(() => store.AppendAsync("sandbox", Payment("evt_2"), Ct));
    }

    [Fact]
    public async Task GetAsync_IdRowHoldsAValueOfAnotherTypeOrPointsElsewhere_ThrowsInsteadOfAnsweringAnotherEntry()
    {
        var store = await BookAsync(2);
        await ChangeAsync(store, LedgerStore.IdRowKey("payment:evt_1"), row => row["Sequence"] = 2L);
        await ChangeAsync(store, LedgerStore.IdRowKey("payment:evt_2"), row => row["Sequence"] = "2");

        var pointsElsewhere = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync("main", "payment:evt_1", Ct));
        var wrongType = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync("main", "payment:evt_2", Ct));

        Assert.Contains("books entry 'payment:evt_2'", pointsElsewhere.Message, StringComparison.Ordinal);
        Assert.Contains("property 'Sequence': Edm.String found", wrongType.Message, StringComparison.Ordinal);
    }

    /// <summary>An entry of <paramref name="eventId"/>'s payment, sealed at <paramref name="sequence"/>, and its id row, written beside the chain.</summary>
    private static async Task PlantOutOfChainAsync(LedgerStore store, string eventId, long sequence, long indexedAs)
    {
        var draft = Payment(eventId);
        var entry = LedgerEntry.Seal("main", Math.Max(sequence, 1), LedgerEntry.GenesisHash, draft); // no entry is sealed at 0: the row is
        var row = LedgerStore.ToEntity("main", entry, LedgerRowCodec.WritePostings(draft.Postings), LedgerRowCodec.WriteMetadata(draft.Metadata));
        row.RowKey = LedgerStore.SequenceRowKey(sequence);
        row["Sequence"] = sequence;
        await store.Table.UpsertEntityAsync(row, TableUpdateMode.Replace, Ct);
        await store.Table.UpsertEntityAsync(new TableEntity("main", LedgerStore.IdRowKey(draft.EntryId)) { ["EntryId"] = draft.EntryId, ["Sequence"] = indexedAs, ["Hash"] = entry.Hash }, TableUpdateMode.Replace, Ct);
    }

    [Theory]
    [InlineData(0L)] // row key 0…0, which no scan of the book reads
    [InlineData(7L)] // past the head
    public async Task GetAsync_IdRowPointsOutsideTheChain_RefusesAndTheRealBookingIsNotTakenAsDone(long sequence)
    {
        var store = await BookAsync(2);
        await PlantOutOfChainAsync(store, "evt_3", sequence, sequence);

        var get = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync("main", "payment:evt_3", Ct)); // before: the planted entry, as if booked
        var append = await Assert.ThrowsAsync<InvalidDataException>(() => store.AppendAsync("main", Payment("evt_3"), Ct)); // before: returned it, booking nothing

        Assert.Contains($"row '{LedgerStore.IdRowKey("payment:evt_3")}'", get.Message, StringComparison.Ordinal);
        Assert.Contains("outside the book's chain", append.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await store.HeadAsync("main", Ct)).LastSequence);
    }

    [Fact]
    public async Task GetAsync_EntryRowClaimsAnotherSequenceThanItsRow_Refuses()
    {
        var store = await BookAsync(2);
        await ChangeAsync(store, LedgerStore.SequenceRowKey(2), row => row["Sequence"] = 9L);

        var get = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync("main", "payment:evt_2", Ct)); // before: the entry, claiming sequence 9

        Assert.Contains("claims sequence 9", get.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendAsync_RowPlantedPastTheHead_RefusesNamingTheRowInsteadOfRetryingAsContention()
    {
        var store = await BookAsync(2);
        var copy = (await store.Table.GetEntityAsync<TableEntity>("main", LedgerStore.SequenceRowKey(2), cancellationToken: Ct)).Value;
        copy.RowKey = LedgerStore.SequenceRowKey(3);
        copy["Sequence"] = 3L;
        await store.Table.AddEntityAsync(copy, Ct); // a row the head does not know of: every append would collide with it

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.AppendAsync("main", Payment("evt_4"), Ct)); // before: LedgerContentionException after 60 attempts

        Assert.Contains($"row '{LedgerStore.SequenceRowKey(3)}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("records sequence 2", ex.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("main", "payment:evt_4", Ct));
        Assert.Equal(2, (await store.HeadAsync("main", Ct)).LastSequence);
    }

    [Fact]
    public async Task AppendAsync_IdRowOfADeletedEntryLeftBehind_RefusesThatIdNamingItsRowAndOthersStillAppend()
    {
        var store = await BookAsync(2);
        var first = (await store.ReadAllAsync("main", Ct))[0];
        // The newest entry dropped and the head rewound to the one before, but its id row left behind.
        await store.Table.DeleteEntityAsync("main", LedgerStore.SequenceRowKey(2), cancellationToken: Ct);
        await ChangeAsync(store, LedgerStore.HeadRowKey, row =>
        {
            row["LastSequence"] = 1L;
            row["LastHash"] = first.Hash;
            row["LastEntryId"] = first.EntryId;
        });

        var get = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync("main", "payment:evt_2", Ct)); // before: null, as if never booked
        var append = await Assert.ThrowsAsync<InvalidDataException>(() => store.AppendAsync("main", Payment("evt_2"), Ct)); // before: LedgerContentionException
        LedgerEntry other = await store.AppendAsync("main", Payment("evt_3"), Ct);

        Assert.Contains("whose entry row is missing", get.Message, StringComparison.Ordinal);
        Assert.Contains($"row '{LedgerStore.IdRowKey("payment:evt_2")}'", append.Message, StringComparison.Ordinal);
        Assert.Equal(2, other.Sequence);
    }

    [Fact]
    public async Task AppendAsync_HeadPlantedAtTheLargestSequence_RefusesNamingTheHeadInsteadOfOverflowing()
    {
        var store = await BookAsync(2);
        var copy = (await store.Table.GetEntityAsync<TableEntity>("main", LedgerStore.SequenceRowKey(2), cancellationToken: Ct)).Value;
        copy.RowKey = LedgerStore.SequenceRowKey(long.MaxValue);
        copy["Sequence"] = long.MaxValue;
        await store.Table.AddEntityAsync(copy, Ct);
        await ChangeAsync(store, LedgerStore.HeadRowKey, row => row["LastSequence"] = long.MaxValue); // head and its entry agree

        // Before: OverflowException, which the callers that isolate a refused booking (InvalidDataException) do not catch.
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.AppendAsync("main", Payment("evt_3"), Ct));

        Assert.Contains($"row '{LedgerStore.HeadRowKey}'", ex.Message, StringComparison.Ordinal);
        Assert.Null(await store.GetAsync("main", "payment:evt_3", Ct));
    }
}
