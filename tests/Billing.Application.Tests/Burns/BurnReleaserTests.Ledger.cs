namespace Billing.Application.Tests.Burns;

/// <summary>
/// A release is evidence in the hash-chained book (<see cref="BurnReleaseEvidence"/>), booked before the burn row: the executor
/// honours only a release the book records as the row has it, and reconcile compares the two.
/// </summary>
public partial class BurnReleaserTests
{
    [Fact]
    public async Task ReleaseAsync_Released_BooksTheReleaseAsEvidenceMatchingTheRow()
    {
        var h = await HeldAsync();

        Assert.Equal(BurnReleaseOutcome.Released, (await h.ReleaseAsync(10_000)).Outcome);

        var release = (await h.GetAsync()).Release!;
        var book = await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct);
        var entry = Assert.Single(book, e => e.Kind == LedgerEntryKind.BurnReleased);
        Assert.Equal(($"release:{h.Intent.Id}:1", 0, release.At), (entry.EntryId, entry.Postings.Count, entry.OccurredAt));
        var evidence = BurnReleaseEvidence.From(entry)!;
        Assert.True(evidence.Records(release));
        Assert.Equal(("finance-ops", 10_000L, 10_000L), (evidence.Release.By, evidence.Release.AmountMinor, evidence.Release.KeptMinor));
        Assert.Equal(2_345L, evidence.RefundedByCharge["ch_release"]); // what the refund rows said (no Stripe key, local tables)
        Assert.Empty(HashChain.Verify(book)); // evidence: verify passes it
        Assert.DoesNotContain((await ReconcileOnlyLedger.AuditOver(h.Tables).ReconcileAsync(Ct)).Mismatches, m => m.Kind.StartsWith("Release", StringComparison.Ordinal));
    }

    // Before: a burn row written with a release (now, or dated ahead) lifted the holds, and the burn was signed although money of
    // its invoice went back; nothing in the book showed a release.
    [Theory]
    [InlineData(0, "has no ledger entry release:")]
    [InlineData(24, "is dated after now")]
    public async Task RunAsync_ReleaseWrittenOntoTheRowOutsideThePlatform_HeldNotSigned(int hoursAhead, string reason)
    {
        var h = await HeldAsync();
        ulong supply = await h.SupplyAsync();
        var (held, etag) = (await h.Burns.GetAsync(h.Intent.Id, Ct))!.Value;
        var planted = new BurnRelease("finance-ops", DateTimeOffset.UtcNow.AddHours(hoursAhead), 10_000, 10_000, "planted");
        Assert.NotNull(await h.Burns.TryReplaceAsync(held with { Status = BurnStatus.Pending, UsdMinor = 10_000, Reason = null, Releases = [planted] }, etag, Ct));

        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        var burn = await h.GetAsync();
        Assert.Equal((BurnStatus.Held, 0), (burn.Status, burn.Signings));
        Assert.Contains($"held: release 1 of {h.Intent.Id}", burn.Reason, StringComparison.Ordinal);
        Assert.Contains(reason, burn.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
        var finding = Assert.Single((await ReconcileOnlyLedger.AuditOver(h.Tables).ReconcileAsync(Ct)).Mismatches, m => m.Kind == "ReleaseWithoutEntry");
        Assert.Equal(h.Intent.Id, finding.Subject);
    }

    [Fact]
    public async Task RunAsync_RowReleaseRaisedAfterItWasBooked_HeldNotSignedAndReported()
    {
        var h = await HeldAsync();
        ulong supply = await h.SupplyAsync();
        Assert.Equal(BurnReleaseOutcome.Released, (await h.ReleaseAsync(5_000)).Outcome);
        var (released, etag) = (await h.Burns.GetAsync(h.Intent.Id, Ct))!.Value;
        var raised = released.Release! with { AmountMinor = 10_000 };
        Assert.NotNull(await h.Burns.TryReplaceAsync(released with { UsdMinor = 10_000, Releases = [raised] }, etag, Ct));

        await h.Executor.RunAsync(Ct);

        var burn = await h.GetAsync();
        Assert.Equal((BurnStatus.Held, 0), (burn.Status, burn.Signings));
        Assert.Contains($"is not what its ledger entry release:{h.Intent.Id}:1 records", burn.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
        var finding = Assert.Single((await ReconcileOnlyLedger.AuditOver(h.Tables).ReconcileAsync(Ct)).Mismatches, m => m.Kind == "ReleaseWithoutEntry");
        Assert.Contains("for 5000 minor units", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReleaseAsync_CutOffAfterItsEntryWasBooked_ReleasingAgainAsItWasCompletesItAndAnotherAmountIsRefused()
    {
        var h = await HeldAsync();
        ulong supply = await h.SupplyAsync();
        // The process died between the entry and the row: the book holds release 1, the row does not.
        var booked = new BurnRelease("finance-ops", DateTimeOffset.UtcNow.AddMinutes(-1), 10_000, 10_000, "first try");
        await h.Ledger.AppendAsync(LedgerEntries.MainBook,
            new BurnReleaseEvidence(h.Intent.Id, h.Intent.InvoiceId, 1, booked, new Dictionary<string, long> { ["ch_release"] = 2_345 }, "the refund rows").ToDraft(), Ct);
        var cutOff = await ReconcileOnlyLedger.AuditOver(h.Tables).ReconcileAsync(Ct);
        Assert.Equal($"release:{h.Intent.Id}:1", Assert.Single(cutOff.Mismatches, m => m.Kind == "ReleaseEntryWithoutRelease").Subject);

        var other = await h.ReleaseAsync(9_000);
        var again = await h.ReleaseAsync(10_000, note: "second try");
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        Assert.Equal(BurnReleaseOutcome.Conflict, other.Outcome);
        Assert.Contains("release it again for 10000 minor units as finance-ops to complete it", other.Detail, StringComparison.Ordinal);
        Assert.Equal(BurnReleaseOutcome.Released, again.Outcome);
        var burn = await h.GetAsync();
        Assert.Equal(booked, Assert.Single(burn.Releases)); // the booked release, its time and note, not a second one
        Assert.Equal((BurnStatus.Finalized, 10_000L), (burn.Status, burn.UsdMinor));
        Assert.Equal(supply - 4_000_000_000UL, await h.SupplyAsync());
        Assert.Single(await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct), e => e.Kind == LedgerEntryKind.BurnReleased);
        Assert.DoesNotContain((await ReconcileOnlyLedger.AuditOver(h.Tables).ReconcileAsync(Ct)).Mismatches, m => m.Kind.StartsWith("Release", StringComparison.Ordinal));
    }

    // An upgraded deployment: a release written before releases were booked is not honoured; releasing again books it.
    [Fact]
    public async Task RunAsync_ReleasedBeforeReleasesWereBookedThenReleasedAgain_Signed()
    {
        var h = await HeldAsync();
        var (held, etag) = (await h.Burns.GetAsync(h.Intent.Id, Ct))!.Value;
        var earlier = new BurnRelease("finance-ops", DateTimeOffset.UtcNow.AddDays(-1), 10_000, 10_000, "before the upgrade");
        Assert.NotNull(await h.Burns.TryReplaceAsync(held with { Status = BurnStatus.Pending, UsdMinor = 10_000, Reason = null, Releases = [earlier] }, etag, Ct));
        await h.Executor.RunAsync(Ct);
        Assert.Equal(BurnStatus.Held, (await h.GetAsync()).Status);

        Assert.Equal(BurnReleaseOutcome.Released, (await h.ReleaseAsync(10_000)).Outcome);
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        var burn = await h.GetAsync();
        Assert.Equal((BurnStatus.Finalized, 2), (burn.Status, burn.Releases.Count));
        Assert.Contains($"release:{h.Intent.Id}:2", (await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct)).Select(e => e.EntryId));
        Assert.DoesNotContain((await ReconcileOnlyLedger.AuditOver(h.Tables).ReconcileAsync(Ct)).Mismatches, m => m.Kind.StartsWith("Release", StringComparison.Ordinal));
    }
}
