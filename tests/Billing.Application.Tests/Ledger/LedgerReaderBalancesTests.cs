using Billing.Tests.Shared;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// Balances are kept per reader as of a head sequence, and a call reads only the entries newer than it: the cost is
/// counted in entry rows taken from the table (<see cref="LedgerStore.EntryRowsRead"/>), never timed. Whatever the
/// reader answers equals a fresh full read of the book. Real Azurite (and the localnet the reader's proofs use).
/// </summary>
public class LedgerReaderBalancesTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly string[] Payers = ["carrier-a", "carrier-b", "carrier-c"];

    private static LedgerReader Reader(LedgerTestSetup s) => new(s.Ledger, s.Anchors, s.Authority, s.Rpc);

    private static Task BookAsync(LedgerTestSetup s, int i) => s.Ledger.AppendAsync(LedgerEntries.MainBook, new LedgerEntryDraft(
        $"adj-{i}", LedgerEntryKind.Adjustment, DateTimeOffset.UtcNow,
        [Posting.Debit(Accounts.Adjustment(Payers[i % Payers.Length]), i % 2 == 0 ? "USD" : "EUR", 1_000_000_007L * (i + 1)),
            Posting.Credit("revenue:usage", i % 2 == 0 ? "USD" : "EUR", 1_000_000_007L * (i + 1))],
        new Dictionary<string, string> { ["payer"] = Payers[i % Payers.Length] }), Ct);

    private static async Task BookRangeAsync(LedgerTestSetup s, int from, int count)
    {
        for (int i = from; i < from + count; i++)
        {
            await BookAsync(s, i);
        }
    }

    private static async Task AssertEqualsFullReadAsync(LedgerTestSetup s, LedgerReader reader)
    {
        var fresh = await s.Ledger.BalancesAsync(LedgerEntries.MainBook, Ct);
        Assert.Equal(fresh.All, (await reader.BalancesAsync(null, Ct)).All);
        foreach (string payer in Payers)
        {
            Assert.Equal(fresh.ForPayer(payer).All, (await reader.BalancesAsync(payer, Ct)).All);
        }
    }

    private static Task<long> RowsReadByAsync(LedgerTestSetup s, Func<Task> read) => RowsReadByAsync(s.Ledger, read);

    private static async Task<long> RowsReadByAsync(LedgerStore ledger, Func<Task> read)
    {
        long before = ledger.EntryRowsRead;
        await read();
        return ledger.EntryRowsRead - before;
    }

    [Fact]
    public async Task BalancesAsync_SecondCallAfterNewEntries_ReadsOnlyTheNewRows()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await BookRangeAsync(s, 0, 30);
        var reader = Reader(s);

        long first = await RowsReadByAsync(s, () => reader.BalancesAsync("carrier-a", Ct));
        await BookRangeAsync(s, 30, 4);
        long second = await RowsReadByAsync(s, () => reader.BalancesAsync("carrier-b", Ct));
        long third = await RowsReadByAsync(s, () => reader.BalancesAsync(null, Ct));

        Assert.Equal((30L, 4L, 0L), (first, second, third)); // before: 30, 34 and 34, every call the whole book
        await AssertEqualsFullReadAsync(s, reader);
    }

    [Fact]
    public async Task BalancesAsync_ConcurrentAppendsAndReadsAcrossPayers_EqualsAFreshFullRead()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        var reader = Reader(s);
        var writers = Enumerable.Range(0, 3).Select(w => Task.Run(async () =>
        {
            for (int i = w; i < 60; i += 3)
            {
                await BookAsync(s, i);
            }
        }));
        var readers = Enumerable.Range(0, 3).Select(r => Task.Run(async () =>
        {
            for (int i = 0; i < 15; i++)
            {
                await reader.BalancesAsync(r == 0 ? null : Payers[r], Ct);
            }
        }));

        await Task.WhenAll(writers.Concat(readers));

        await AssertEqualsFullReadAsync(s, reader);
        Assert.Equal(0, await RowsReadByAsync(s, () => reader.BalancesAsync(null, Ct)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BalancesAsync_LaterPageFailsDuringTheFirstRead_NextCallReadsOnlyTheRest(bool cancelled)
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await BookRangeAsync(s, 0, 30);
        using var cts = new CancellationTokenSource();
        Action fail = cancelled
            ? () => { cts.Cancel(); cts.Token.ThrowIfCancellationRequested(); }
            : () => throw new Azure.RequestFailedException(503, "simulated: the server is busy (retries spent)");
        var flaky = new LedgerStore(FailingPageTables.Create(chain.Azurite.ConnectionString, s.Tables, pageSize: 10, failPage: 3, fail), TestSeals.Keys);
        var reader = new LedgerReader(flaky, s.Anchors, s.Authority, s.Rpc);

        long failed = await RowsReadByAsync(flaky, () => cancelled
            ? Assert.ThrowsAnyAsync<OperationCanceledException>(() => reader.BalancesAsync(null, cts.Token))
            : Assert.ThrowsAsync<Azure.RequestFailedException>(() => reader.BalancesAsync(null, Ct)));
        long rest = await RowsReadByAsync(flaky, () => reader.BalancesAsync(null, Ct));

        Assert.Equal((20L, 10L), (failed, rest)); // before: the 20 were thrown away, the second call read all 30
        await AssertEqualsFullReadAsync(s, reader);
    }

    [Fact]
    public async Task BalancesAsync_UnreadableNewerEntry_ConflictsAndLeavesTheSumsExact()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await BookRangeAsync(s, 0, 3);
        var reader = Reader(s);
        await reader.BalancesAsync(null, Ct);
        await BookRangeAsync(s, 3, 3);
        string rowKey = LedgerStore.SequenceRowKey(5);
        var original = (await s.Ledger.Table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey(LedgerEntries.MainBook), rowKey, cancellationToken: Ct)).Value;
        await s.PlantAsync(rowKey, "Postings", 5);

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => reader.BalancesAsync("carrier-a", Ct));
        Assert.Contains(rowKey, refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidDataException>(() => reader.BalancesAsync("carrier-b", Ct)); // every payer: the row may be theirs

        await s.Ledger.Table.UpsertEntityAsync(original, TableUpdateMode.Replace, Ct);
        long repaired = await RowsReadByAsync(s, () => reader.BalancesAsync(null, Ct));
        Assert.Equal(2, repaired); // entry 4 was summed before the refusal; 5 and 6 now
        await AssertEqualsFullReadAsync(s, reader);
    }

    [Fact]
    public async Task BalancesAsync_ChainRewrittenBelowTheCachedHead_KeepsTheSumsItHad()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await BookRangeAsync(s, 0, 3);
        var reader = Reader(s);
        var before = await reader.BalancesAsync(null, Ct);

        await s.RewriteAsync(1, 5);

        Assert.Equal(before.All, (await reader.BalancesAsync(null, Ct)).All); // ledger verify finds the rewrite, not balances
        Assert.NotEqual(before.All, (await s.Ledger.BalancesAsync(LedgerEntries.MainBook, Ct)).All);
    }
}
