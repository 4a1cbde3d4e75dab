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

    /// <summary>The process died between the entry and the row: the book holds release 1 of the held burn, the row does not.</summary>
    private static async Task<BurnRelease> CutOffAsync(Harness h, long amountMinor = 10_000, string by = "finance-ops")
    {
        var booked = new BurnRelease(by, DateTimeOffset.UtcNow.AddMinutes(-1), amountMinor, 10_000, "first try");
        await h.Ledger.AppendAsync(LedgerEntries.MainBook,
            new BurnReleaseEvidence(h.Intent.Id, h.Intent.InvoiceId, 1, booked, new Dictionary<string, long> { ["ch_release"] = 2_345 }, "the refund rows").ToDraft(), Ct);
        return booked;
    }

    [Fact]
    public async Task ReleaseAsync_CutOffAfterItsEntryWasBooked_ReleasingAgainAsItWasCompletesIt()
    {
        var h = await HeldAsync();
        ulong supply = await h.SupplyAsync();
        var booked = await CutOffAsync(h);
        var cutOff = await ReconcileOnlyLedger.AuditOver(h.Tables).ReconcileAsync(Ct);
        Assert.Equal($"release:{h.Intent.Id}:1", Assert.Single(cutOff.Mismatches, m => m.Kind == "ReleaseEntryWithoutRelease").Subject);

        var again = await h.ReleaseAsync(10_000, note: "second try");
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        Assert.Equal(BurnReleaseOutcome.Released, again.Outcome);
        var burn = await h.GetAsync();
        Assert.Equal(booked, Assert.Single(burn.Releases)); // the booked release, its time and note, not a second one
        Assert.Equal((BurnStatus.Finalized, 10_000L), (burn.Status, burn.UsdMinor));
        Assert.Equal(supply - 4_000_000_000UL, await h.SupplyAsync());
        Assert.Single(await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct), e => e.Kind == LedgerEntryKind.BurnReleased);
        Assert.DoesNotContain((await ReconcileOnlyLedger.AuditOver(h.Tables).ReconcileAsync(Ct)).Mismatches, m => m.Kind.StartsWith("Release", StringComparison.Ordinal));
    }

    // Before: any other amount or partner was refused (Conflict) while the booked release stayed off the row, so a partner who
    // had left, or finance deciding differently, could never release the burn.
    [Theory]
    [InlineData(9_000, "finance-ops")]
    [InlineData(10_000, "finance-lead")]
    public async Task ReleaseAsync_CutOffThenAnotherAmountOrPartner_CompletesTheBookedReleaseAndBooksTheNewOneAfterIt(long amountMinor, string by)
    {
        var h = await HeldAsync();
        ulong supply = await h.SupplyAsync();
        var booked = await CutOffAsync(h);

        var result = await h.ReleaseAsync(amountMinor, by, "decided again");
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        Assert.Equal(BurnReleaseOutcome.Released, result.Outcome);
        Assert.Contains("completed release 1 booked earlier", result.Detail, StringComparison.Ordinal);
        var burn = await h.GetAsync();
        Assert.Equal(2, burn.Releases.Count);
        Assert.Equal(booked, burn.Releases[0]);
        Assert.Equal((by, amountMinor, "decided again"), (burn.Release!.By, burn.Release.AmountMinor, burn.Release.Note));
        Assert.Equal((BurnStatus.Finalized, amountMinor), (burn.Status, burn.UsdMinor));
        Assert.Equal(supply - (ulong)amountMinor * 400_000UL, await h.SupplyAsync());
        Assert.Equal([$"release:{h.Intent.Id}:1", $"release:{h.Intent.Id}:2"],
            (await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct)).Where(e => e.Kind == LedgerEntryKind.BurnReleased).Select(e => e.EntryId));
        Assert.DoesNotContain((await ReconcileOnlyLedger.AuditOver(h.Tables).ReconcileAsync(Ct)).Mismatches, m => m.Kind.StartsWith("Release", StringComparison.Ordinal));
    }

    // Before: the request's amount was checked against what is kept before the book was read, so after a refund lowered it the
    // booked amount was ExceedsKept and any other Conflict: the burn stayed held for good.
    [Fact]
    public async Task ReleaseAsync_CutOffThenARefundLoweredWhatWasKept_CompletesTheBookedReleaseAndTheExecutorHoldsItAgain()
    {
        var h = await HeldAsync();
        ulong supply = await h.SupplyAsync();
        var booked = await CutOffAsync(h);
        await h.RefundAsync(1_000, "ch_later"); // 90.00 kept now

        var completed = await h.ReleaseAsync(10_000);
        await h.Executor.RunAsync(Ct);
        var heldAgain = await h.GetAsync();
        var lower = await h.ReleaseAsync(9_000);
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        Assert.Equal(BurnReleaseOutcome.Released, completed.Outcome);
        Assert.Equal((BurnStatus.Held, booked), (heldAgain.Status, Assert.Single(heldAgain.Releases)));
        Assert.Equal(BurnReleaseOutcome.Released, lower.Outcome);
        var burn = await h.GetAsync();
        Assert.Equal((BurnStatus.Finalized, 9_000L, 2), (burn.Status, burn.UsdMinor, burn.Releases.Count));
        Assert.Equal(supply - 3_600_000_000UL, await h.SupplyAsync());
        Assert.DoesNotContain((await ReconcileOnlyLedger.AuditOver(h.Tables).ReconcileAsync(Ct)).Mismatches, m => m.Kind.StartsWith("Release", StringComparison.Ordinal));
    }

    // Before: an entry whose burn left held before its row was written was reported for ever (the burn is never released again).
    [Fact]
    public async Task ReconcileAsync_CutOffReleaseOfABurnThatEndedMeanwhile_NotReported()
    {
        var h = await HeldAsync();
        await CutOffAsync(h);
        var (held, etag) = (await h.Burns.GetAsync(h.Intent.Id, Ct))!.Value;
        Assert.NotNull(await h.Burns.TryReplaceAsync(held with { Status = BurnStatus.Skipped, UsdMinor = 0 }, etag, Ct));

        Assert.Equal(BurnReleaseOutcome.NotHeld, (await h.ReleaseAsync(10_000)).Outcome);
        Assert.DoesNotContain((await ReconcileOnlyLedger.AuditOver(h.Tables).ReconcileAsync(Ct)).Mismatches, m => m.Kind.StartsWith("Release", StringComparison.Ordinal));
    }

    // Before: a burn released for nothing before releases were booked (skipped, never sent) was reported ReleaseWithoutEntry for ever.
    [Fact]
    public async Task ReconcileAsync_SkippedByAReleaseMadeBeforeReleasesWereBooked_NotReported()
    {
        var h = await HeldAsync();
        var (held, etag) = (await h.Burns.GetAsync(h.Intent.Id, Ct))!.Value;
        var earlier = new BurnRelease("finance-ops", DateTimeOffset.UtcNow.AddDays(-1), 0, 10_000, "before the upgrade");
        Assert.NotNull(await h.Burns.TryReplaceAsync(held with { Status = BurnStatus.Skipped, UsdMinor = 0, Releases = [earlier] }, etag, Ct));

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
