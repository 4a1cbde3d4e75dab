using Azure.Core;
using Azure.Core.Pipeline;
using static Billing.Storage.Tests.Ledger.LedgerTables;
using Billing.Tests.Shared;

namespace Billing.Storage.Tests.Ledger;

[Collection(AzuriteCollection.Name)]
public class LedgerStoreTests(AzuriteFixture azurite)
{
    private static LedgerEntryDraft Payment(string eventId, long amount = 1_000, string payer = "carrier-tmo") =>
        LedgerEntries.PaymentReceived(eventId, $"INV-{payer}-202610", payer, amount, "usd", T0.AddTicks(1234567))!;

    private static async Task<List<LedgerEntry>> ReadAll(LedgerStore store, string book = "main", long from = 1)
    {
        var list = new List<LedgerEntry>();
        await foreach (var e in store.ReadAsync(book, from, Ct))
        {
            list.Add(e);
        }

        return list;
    }

    [Fact]
    public async Task AppendAsync_ThreeEntries_ReadBackInOrderAndChainVerifies()
    {
        var (_, store, _) = await LedgerTables.NewAsync(azurite);
        var invoice = new Invoice(
            new InvoiceId("carrier-tmo", new BillingPeriod(2026, 10)), "carrier-standard-v1", InvoiceStatus.Finalized,
            Currency.USD, [new InvoiceLine("offload.bytes", "Data offload", null, 12m, "DC", 1m, new Money(1_000, Currency.USD))]);

        LedgerEntry first = await store.AppendAsync("main", LedgerEntries.InvoiceFinalized(invoice, T0)!, Ct);
        LedgerEntry second = await store.AppendAsync("main", Payment("evt_1"), Ct);
        LedgerEntry third = await store.AppendAsync("main", LedgerEntries.TokensBurned("burn-INV-carrier-tmo-202610", "INV-carrier-tmo-202610", 1_000_000_000_000_000_000UL, "sig1", 77, T0)!, Ct);

        Assert.Equal((1L, LedgerEntry.GenesisHash), (first.Sequence, first.PreviousHash));
        Assert.Equal((2L, first.Hash), (second.Sequence, second.PreviousHash));
        Assert.Equal((3L, second.Hash), (third.Sequence, third.PreviousHash));

        var read = await ReadAll(store);
        Assert.Equal([first.Hash, second.Hash, third.Hash], read.Select(e => e.Hash));
        Assert.All(read, e => Assert.True(e.HashIsValid, e.ToString()));
        Assert.Empty(HashChain.Verify(read));
        Assert.Equal(second.OccurredAt, read[1].OccurredAt); // tick precision survives the table
        Assert.Equal(second.Metadata, read[1].Metadata);
        Assert.Equal(1_000_000_000_000_000_000L, read[2].Postings.Single(p => p.Account == Accounts.BurnedToken).Amount);
        Assert.Equal(["evt_1"], (await ReadAll(store, from: 2)).Take(1).Select(e => e.Metadata["stripeEventId"]));

        Assert.Equal(new LedgerHead(3, third.Hash), await store.HeadAsync("main", Ct));
        Assert.Equal(second.Hash, (await store.GetAsync("payment:evt_1", Ct))!.Hash);
        Assert.Null(await store.GetAsync("main", "payment:evt_404", Ct));

        var balances = await store.BalancesAsync("main", Ct);
        Assert.Equal(0, balances.Get(Accounts.Receivable("carrier-tmo"), "USD"));
        Assert.Equal(1_000, balances.Get(Accounts.CashStripe, "USD"));
        Assert.Equal(-1_000, balances.Get(Accounts.Revenue("offload.bytes"), "USD"));
    }

    [Fact]
    public async Task AppendAsync_SameEntryIdTwice_OneEntryReturnedBothTimes()
    {
        var (_, store, _) = await LedgerTables.NewAsync(azurite);

        LedgerEntry a = await store.AppendAsync("main", Payment("evt_dup"), Ct);
        var later = LedgerEntries.PaymentReceived("evt_dup", "INV-carrier-tmo-202610", "carrier-tmo", 1_000, "USD", T0.AddHours(1))!; // a retry stamps a later time
        LedgerEntry b = await store.AppendAsync("main", later, Ct);

        Assert.Equal(a.Hash, b.Hash);
        Assert.Equal(a.OccurredAt, b.OccurredAt);
        Assert.Single(await ReadAll(store));
        Assert.Equal(1, (await store.HeadAsync("main", Ct)).LastSequence);
    }

    [Fact]
    public async Task AppendAsync_SameEntryIdDifferentAmount_ThrowsConflict()
    {
        var (_, store, _) = await LedgerTables.NewAsync(azurite);
        await store.AppendAsync("main", Payment("evt_x", 1_000), Ct);

        var ex = await Assert.ThrowsAsync<LedgerConflictException>(() => store.AppendAsync("main", Payment("evt_x", 999), Ct));

        Assert.Equal(1, ex.Existing.Sequence);
        Assert.Single(await ReadAll(store));
    }

    [Fact]
    public async Task AppendAsync_TwoWritersFiftyEachInParallel_HundredContiguousEntriesChainVerifies()
    {
        var (tables, _, _) = await LedgerTables.NewAsync(azurite);
        var storeA = new LedgerStore(new BillingTables(new TableServiceClient(azurite.ConnectionString), tables.Options), TestSeals.Keys);
        var storeB = new LedgerStore(new BillingTables(new TableServiceClient(azurite.ConnectionString), tables.Options), TestSeals.Keys);
        using var start = new ManualResetEventSlim();

        Task Writer(LedgerStore store, string name) => Task.Run(async () =>
        {
            start.Wait();
            for (int i = 0; i < 50; i++)
            {
                await store.AppendAsync("main", Payment($"evt_{name}_{i}", 100 + i), Ct);
            }
        });

        var a = Writer(storeA, "a");
        var b = Writer(storeB, "b");
        start.Set();
        await Task.WhenAll(a, b);

        var read = await ReadAll(storeA);
        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), read.Select(e => e.Sequence));
        Assert.Equal(100, read.Select(e => e.EntryId).Distinct().Count());
        Assert.Empty(HashChain.Verify(read));
        Assert.Equal(new LedgerHead(100, read[^1].Hash), await storeB.HeadAsync("main", Ct));
        // The writers really raced (otherwise the test proves nothing about contention).
        Assert.True(storeA.ConflictCount + storeB.ConflictCount > 0, "no append lost a race");
    }

    [Fact]
    public async Task AppendAsync_SameEntryIdFromTwoWritersAtOnce_OneEntry()
    {
        var (tables, store, _) = await LedgerTables.NewAsync(azurite);
        var other = new LedgerStore(new BillingTables(new TableServiceClient(azurite.ConnectionString), tables.Options), TestSeals.Keys);
        await store.AppendAsync("main", Payment("evt_0"), Ct);

        for (int round = 0; round < 10; round++)
        {
            var draft = Payment($"evt_race_{round}");
            var results = await Task.WhenAll(Task.Run(() => store.AppendAsync("main", draft, Ct)), Task.Run(() => other.AppendAsync("main", draft, Ct)));
            Assert.Equal(results[0].Sequence, results[1].Sequence);
        }

        var read = await ReadAll(store);
        Assert.Equal(11, read.Count);
        Assert.Empty(HashChain.Verify(read));
    }

    [Fact]
    public async Task ReadAsync_RowAmountChangedInTable_VerifyReportsHashMismatch()
    {
        var (_, store, _) = await LedgerTables.NewAsync(azurite);
        for (int i = 1; i <= 4; i++)
        {
            await store.AppendAsync("main", Payment($"evt_{i}", 1_000 * i), Ct);
        }

        var row = (await store.Table.GetEntityAsync<TableEntity>("main", LedgerStore.SequenceRowKey(3), cancellationToken: Ct)).Value;
        row["Postings"] = ((string)row["Postings"]).Replace("3000", "3", StringComparison.Ordinal);
        await store.Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);

        var problems = HashChain.Verify(await ReadAll(store));

        LedgerProblem problem = Assert.Single(problems);
        Assert.Equal((LedgerProblemKind.HashMismatch, 3L, "payment:evt_3"), (problem.Kind, problem.Sequence, problem.EntryId));
    }

    [Fact]
    public async Task ReadAsync_RowDeletedInTable_VerifyReportsGapAndHeadMismatch()
    {
        var (tables, store, _) = await LedgerTables.NewAsync(azurite);
        for (int i = 1; i <= 4; i++)
        {
            await store.AppendAsync("main", Payment($"evt_{i}"), Ct);
        }

        await store.Table.DeleteEntityAsync("main", LedgerStore.SequenceRowKey(2), cancellationToken: Ct);
        await store.Table.DeleteEntityAsync("main", LedgerStore.SequenceRowKey(4), cancellationToken: Ct);
        var anchors = new AnchorStore(tables);
        await anchors.EnsureCreatedAsync(Ct);

        var result = await new StoredBookVerifier(store, anchors).VerifyAsync("main", Ct);

        Assert.False(result.Ok);
        Assert.Equal(2, result.Entries);
        Assert.Equal([LedgerProblemKind.SequenceGap, LedgerProblemKind.HeadMismatch], result.Problems.Select(p => p.Kind));
        Assert.Equal(3, result.Problems[0].Sequence);
    }

    [Fact]
    public async Task AppendAsync_BooksAreSeparateChains()
    {
        var (_, store, _) = await LedgerTables.NewAsync(azurite);
        await store.AppendAsync("main", Payment("evt_1"), Ct);
        LedgerEntry other = await store.AppendAsync("sandbox", Payment("evt_1"), Ct);

        Assert.Equal(1, other.Sequence);
        Assert.Single(await ReadAll(store, "sandbox"));
        Assert.Empty(HashChain.Verify(await ReadAll(store, "sandbox")));
    }

    [Fact]
    public async Task AppendAsync_MetadataOverTableLimit_RefusedBeforeWriting()
    {
        var (_, store, _) = await LedgerTables.NewAsync(azurite);
        var metadata = Enumerable.Range(0, 32).ToDictionary(i => $"k{i}", _ => new string('\u00e9', 1000)); // escaped in JSON: 6 chars each
        var draft = new LedgerEntryDraft("big", LedgerEntryKind.Adjustment, T0, [Posting.Debit("a:x", "USD", 1), Posting.Credit("b:x", "USD", 1)], metadata);

        await Assert.ThrowsAsync<ArgumentException>(() => store.AppendAsync("main", draft, Ct));

        Assert.Empty(await ReadAll(store));
    }

    [Fact]
    public async Task AppendAsync_SameEntryBookedMeanwhileThenAnotherAfterTheConflict_ReturnsTheBookedEntry()
    {
        var (tables, other, _) = await LedgerTables.NewAsync(azurite);
        await other.AppendAsync("main", Payment("evt_1"), Ct);
        var hook = new Meanwhile();
        var store = new LedgerStore(new BillingTables(new TableServiceClient(azurite.ConnectionString, hook.Options()), tables.Options), TestSeals.Keys);
        // The appender finds no entry, then another settler books the same payment before the appender reads the head, so
        // its transaction collides on the id row only; a third booking lands right after the appender's next read of the
        // head. Before: that read saw the head unmoved and the next read saw the third booking's row, and the append was
        // refused as a book written outside the platform, though every write was the platform's own.
        hook.After(url => url.Contains(LedgerStore.IdRowKey("payment:evt_2"), StringComparison.Ordinal), () => other.AppendAsync("main", Payment("evt_2"), Ct));
        hook.After(url => url.Contains("RowKey='head'", StringComparison.Ordinal) && hook.BatchFailed, () => other.AppendAsync("main", Payment("evt_3"), Ct));

        LedgerEntry appended = await store.AppendAsync("main", Payment("evt_2"), Ct);

        Assert.True(hook.BatchFailed, "the appender's transaction did not collide, so the race was not run");
        Assert.Equal((2L, "payment:evt_2"), (appended.Sequence, appended.EntryId));
        var book = await other.ReadAllAsync("main", Ct);
        Assert.Equal(["payment:evt_1", "payment:evt_2"], book.Take(2).Select(e => e.EntryId));
        Assert.Empty(HashChain.Verify(book));
    }

    /// <summary>Runs each registered action once, right after the first answered request whose decoded address matches.</summary>
    private sealed class Meanwhile : TablesPolicy
    {
        private readonly List<(Func<string, bool> Matches, Func<Task> Action, bool[] Done)> steps = [];
        private int batchFailed;

        public bool BatchFailed => Volatile.Read(ref batchFailed) == 1;

        public TableClientOptions Options()
        {
            var options = new TableClientOptions();
            options.AddPolicy(this, HttpPipelinePosition.PerCall);
            return options;
        }

        public void After(Func<string, bool> matches, Func<Task> action) => steps.Add((matches, action, [false]));

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            await ProcessNextAsync(message, pipeline);
            string url = Uri.UnescapeDataString(message.Request.Uri.ToString());
            if (url.Contains("$batch", StringComparison.Ordinal) && message.Response.Content.ToString().Contains("EntityAlreadyExists", StringComparison.Ordinal))
            {
                Volatile.Write(ref batchFailed, 1);
            }

            foreach (var (matches, action, done) in steps)
            {
                if (!done[0] && matches(url))
                {
                    done[0] = true;
                    await action();
                }
            }
        }
    }
}
