using Billing.Application.Tests.Ledger;

namespace Billing.Application.Tests.Burns;

/// <summary>
/// The book's index check before signing (<c>BurnExecutor.IndexCompleteAsync</c>): up to five reads of the book, asked once a
/// run once the index is whole, not before each of every burn's checks.
/// </summary>
public class BurnExecutorIndexCheckTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task RunAsync_ThreeBurnsOnAWholeIndex_AsksWhetherTheIndexIsWholeOnceAndSignsEach()
    {
        // Before: every pass of every burn asked twice (before and after Stripe's answer): 6 times or more for three burns.
        var h = await BurnHarness.NewAsync(chain);
        var intents = new[] { await h.CreateIntentAsync(), await h.CreateIntentAsync(), await h.CreateIntentAsync() };
        ulong supply = await h.SupplyAsync();
        CountingRecorder? counting = null;

        var summary = await h.NewExecutorRecordingThrough(inner => counting = new CountingRecorder(inner)).RunAsync(Ct);

        Assert.Equal(3, summary.Finalized);
        Assert.Equal(1, counting!.IndexChecks);
        foreach (var intent in intents)
        {
            Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(intent.Id)).Status);
        }

        Assert.Equal(supply - (3 * BurnHarness.DefaultIntentTokens), await h.SupplyAsync());
    }

    [Fact]
    public async Task RunAsync_IndexNotWhole_AsksAgainForEachBurnAndHoldsThemAll()
    {
        // Not whole is not remembered: the anchor run may complete it while this run goes on.
        var h = await BurnHarness.NewAsync(chain);
        var intents = new[] { await h.CreateIntentAsync(), await h.CreateIntentAsync() };
        await h.Ledger.AppendAsync(LedgerEntries.MainBook, new LedgerEntryDraft("adj-old", LedgerEntryKind.Adjustment, DateTimeOffset.UtcNow,
            [Posting.Debit("adjustment:carrier-x", "USD", 100), Posting.Credit("revenue:usage", "USD", 100)], new Dictionary<string, string> { ["payer"] = "carrier-x" }), Ct);
        await UpgradedBook.StripAsync(h.Ledger);
        CountingRecorder? counting = null;

        await h.NewExecutorRecordingThrough(inner => counting = new CountingRecorder(inner)).RunAsync(Ct);

        Assert.True(counting!.IndexChecks >= 2, $"asked {counting.IndexChecks} times");
        foreach (var intent in intents)
        {
            var held = await h.GetAsync(intent.Id);
            Assert.Equal(BurnStatus.Held, held.Status);
            Assert.Contains("ledger index not complete", held.Reason, StringComparison.Ordinal);
        }
    }

    private sealed class CountingRecorder(ILedgerRecorder inner) : DelegatingLedgerRecorder(inner)
    {
        private int indexChecks;

        public int IndexChecks => Volatile.Read(ref indexChecks);

        public override Task<bool> IsIndexCompleteAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref indexChecks);
            return base.IsIndexCompleteAsync(cancellationToken);
        }
    }
}
