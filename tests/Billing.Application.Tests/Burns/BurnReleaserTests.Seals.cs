using Billing.Tests.Shared;

namespace Billing.Application.Tests.Burns;

/// <summary>
/// A release honoured only on an entry this deployment sealed (<see cref="LedgerSealKeys"/>): someone with write access to the
/// tables can chain a release entry at the head and write the matching release onto the burn row, but not seal the entry.
/// </summary>
public partial class BurnReleaserTests
{
    private static LedgerEntryDraft ReleaseEntry(Harness h, BurnRelease release) =>
        new BurnReleaseEvidence(h.Intent.Id, h.Intent.InvoiceId, 1, release, new Dictionary<string, long>(), "the refund rows").ToDraft();

    // Before: the planted entry and row release lifted the holds, and the burn was signed although money of its invoice went back.
    [Theory]
    [InlineData(false, "is not sealed by this deployment", SealFacts.Unsealed)]
    [InlineData(true, "carries a seal no key of this deployment verifies", SealFacts.Invalid)]
    public async Task RunAsync_ReleaseEntryAndRowPlantedOutsideThePlatform_HeldAsNotSealedAndVerifyNamesTheEntry(bool forged, string reason, string kind)
    {
        var h = await HeldAsync();
        await h.Ledger.AppendAsync(LedgerEntries.MainBook, new LedgerEntryDraft("adj-sealed", LedgerEntryKind.Adjustment, DateTimeOffset.UtcNow,
            [Posting.Debit("adjustment:carrier-x", "USD", 5), Posting.Credit("revenue:usage", "USD", 5)]), Ct); // the book's first sealed entry
        ulong supply = await h.SupplyAsync();
        var planted = new BurnRelease("finance-ops", DateTimeOffset.UtcNow.AddMinutes(-1), 10_000, 10_000, "planted");
        _ = forged
            ? await PlantedEntries.AppendForgedAsync(h.Tables, LedgerEntries.MainBook, ReleaseEntry(h, planted))
            : await PlantedEntries.AppendUnsealedAsync(h.Tables, LedgerEntries.MainBook, ReleaseEntry(h, planted));
        var (held, etag) = (await h.Burns.GetAsync(h.Intent.Id, Ct))!.Value;
        Assert.NotNull(await h.Burns.TryReplaceAsync(held with { Status = BurnStatus.Pending, UsdMinor = 10_000, Reason = null, Releases = [planted] }, etag, Ct));

        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        var burn = await h.GetAsync();
        Assert.Equal((BurnStatus.Held, 0), (burn.Status, burn.Signings));
        Assert.Contains($"held: release 1 of {h.Intent.Id}", burn.Reason, StringComparison.Ordinal);
        Assert.Contains($"its ledger entry release:{h.Intent.Id}:1 {reason}", burn.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
        await new AnchorStore(h.Tables).EnsureCreatedAsync(Ct);
        var verify = await ReconcileOnlyLedger.AuditOver(h.Tables).VerifyAsync(Ct);
        Assert.Equal($"release:{h.Intent.Id}:1", Assert.Single(verify.Problems, p => p.Kind == kind).Subject);
    }

    [Fact]
    public async Task ReleaseAsync_BookedReleaseNotSealed_RefusedAndNotWrittenOntoTheRow()
    {
        // Before: the planted entry was completed onto the row as a release cut off before its row, and the burn signed on it.
        var h = await HeldAsync();
        var planted = new BurnRelease("finance-ops", DateTimeOffset.UtcNow.AddMinutes(-1), 10_000, 10_000, "planted");
        await PlantedEntries.AppendUnsealedAsync(h.Tables, LedgerEntries.MainBook, ReleaseEntry(h, planted));

        var result = await h.ReleaseAsync(10_000);

        Assert.Equal(BurnReleaseOutcome.Conflict, result.Outcome);
        Assert.Contains($"its entry release:{h.Intent.Id}:1 is not sealed by this deployment", result.Detail, StringComparison.Ordinal);
        var burn = await h.GetAsync();
        Assert.Equal((BurnStatus.Held, 0), (burn.Status, burn.Releases.Count));
    }
}
