using Billing.Application.Tests.Payments;
using Billing.Tests.Shared;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// Evidence entries against someone with write access to the tables but not to the app settings: they can chain a
/// well-formed entry at the head (the hash is public) but not seal it (<see cref="LedgerSealKeys"/>), so an unsealed or
/// forged backfill claim, index cursor or acknowledgement counts for nothing, and verify names it. Real Azurite and localnet.
/// </summary>
public class LedgerSealTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly CreditNoteEntry Note = new("cn_old", "in_old", "USD", new CreditNoteAmounts(1_000, 0, 1_000, 1_000, 0), true, CreditNoteReason.None, DateTimeOffset.UtcNow, "evt_cn_old");

    /// <summary>adj-1, a credit note's issue, adj-2 (sequences 1-3), booked before the index and before seals.</summary>
    private static async Task OldBookAsync(LedgerTestSetup s)
    {
        await s.BookAsync("adj-1", 100);
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, CreditNoteEntries.Issued(Note, "INV-carrier-x-202611", "carrier-x", Note.IssuedAt, refundedToCash: true)!, Ct);
        await s.BookAsync("adj-2", 200);
        await UpgradedBook.StripAsync(s.Ledger);
    }

    private static Task<LedgerEntry> PlantAsync(LedgerTestSetup s, LedgerEntryDraft draft) => PlantedEntries.AppendUnsealedAsync(s.Tables, LedgerEntries.MainBook, draft);

    [Fact]
    public async Task IsIndexCompleteAsync_PlantedBackfillClaim_NotCompleteUntilTheAnchorRunSealsItsOwn()
    {
        // Before: the planted claim lifted the "ledger index not complete" hold with the old note's index row never written.
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);
        await s.BookAsync("adj-3", 300); // today's first append: the change-over at 4, sealed
        var head = await s.Ledger.HeadAsync(LedgerEntries.MainBook, Ct);
        var planted = await PlantAsync(s, BookFormat.BackfillCompleted(4, head.LastHash, DateTimeOffset.UtcNow));

        Assert.Equal(4L, BookFormat.BackfilledBelow(planted));
        Assert.False(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct));
        var before = await s.Audit().VerifyAsync(Ct);
        Assert.Contains(before.Problems, p => p.Kind == "IndexBackfillIncomplete");
        Assert.Equal(BookFormat.BackfillId(4), Assert.Single(before.Problems, p => p.Kind == SealFacts.Unsealed).Subject);

        var run = await s.Anchoring.BackfillIndexPageAsync(LedgerEntries.MainBook, Ct);

        Assert.Equal((1L, 3L, 1, true), (run!.From, run.Through, run.Written, run.Complete));
        var resealed = await s.Ledger.GetAsync(LedgerEntries.MainBook, BookFormat.ResealedBackfillId(4), Ct);
        Assert.True(resealed!.IsSealed);
        Assert.True(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct));
    }

    [Fact]
    public async Task IsIndexCompleteAsync_PlantedChangeOverAndClaimOnABookOfBefore_NotComplete()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);
        var changeOver = await PlantAsync(s, BookFormat.Changed(4, DateTimeOffset.UtcNow)); // the store names it in the head, as a planter would
        await PlantAsync(s, BookFormat.BackfillCompleted(4, changeOver.PreviousHash, DateTimeOffset.UtcNow));

        Assert.Equal(4L, (await s.Ledger.ChangeOverEntryAsync(LedgerEntries.MainBook, Ct))?.Sequence);
        Assert.False(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct));
    }

    [Fact]
    public async Task IsIndexCompleteAsync_BookCreatedIndexedBeforeSeals_CompleteOnceTheAnchorRunSealsAClaim()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await s.BookAsync("adj-1", 100);
        await PlantedEntries.StripSealAsync(s.Tables, LedgerEntries.MainBook, 1);
        Assert.False(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct));

        await s.Anchoring.RunAsync(Ct);

        Assert.True((await s.Ledger.GetAsync(LedgerEntries.MainBook, BookFormat.BackfillId(1), Ct))!.IsSealed);
        Assert.True(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BackfillIndexPageAsync_CursorNotSealedByThisDeployment_ChecksTheBookFromEntryOne(bool forged)
    {
        // Before: a planted cursor through the last entry, not complete, made the run append its claim without writing the rows.
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);
        await s.BookAsync("adj-3", 300); // the change-over at 4
        var head = await s.Ledger.HeadAsync(LedgerEntries.MainBook, Ct);
        var plantedCursor = new LedgerIndexCursor(3, (await s.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct))[2].Hash, false);
        await new LedgerStore(s.Tables, forged ? PlantedEntries.ForeignKeys : TestSeals.Keys).SaveIndexCursorAsync(LedgerEntries.MainBook, plantedCursor, null, Ct);
        if (!forged)
        {
            var row = (await s.Ledger.Table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey(LedgerEntries.MainBook), LedgerStore.IndexCursorRowKey)).Value;
            row.Remove(LedgerStore.SealColumn);
            await s.Ledger.Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        }

        var verify = await s.Audit().VerifyAsync(Ct);
        Assert.Contains("so the anchor run does not go by it", Assert.Single(verify.Problems, p => p.Kind == "IndexBackfillIncomplete").Detail, StringComparison.Ordinal);

        var run = await s.Anchoring.BackfillIndexPageAsync(LedgerEntries.MainBook, Ct);

        Assert.Equal((1L, 3L, 1, true), (run!.From, run.Through, run.Written, run.Complete));
        Assert.Equal([CreditNoteEntries.IssuedId("cn_old")],
            (await s.Ledger.IndexedAsync(LedgerEntries.MainBook, LedgerIndex.Invoice("INV-carrier-x-202611"), Ct)).Select(e => e.EntryId));
        Assert.True(head.LastSequence < (await s.Ledger.HeadAsync(LedgerEntries.MainBook, Ct)).LastSequence);
    }

    [Fact]
    public async Task ReconcileAsync_PlantedAcknowledgement_FindingStaysOpenAndTheAcknowledgementIsNamed()
    {
        // Before: a chained acknowledgement at the head set the finding apart as acknowledged.
        var s = await LedgerTestSetup.NewAsync(chain);
        await new RefundStore(s.Tables).RecordAsync(new IncomingRefund("evt_" + Guid.NewGuid().ToString("N"), "ch_nowhere", "pi_nowhere", null, "cus_nowhere", 500, "USD", DateTimeOffset.UtcNow), Ct);
        var audit = ReconcileOnlyLedger.AuditOver(s.Tables);
        var finding = (await audit.ReconcileAsync(Ct)).Mismatches.First(m => ReconcileAcknowledgement.CanAcknowledge(m.Kind));
        var acknowledgement = new ReconcileAcknowledgement(finding.Kind, finding.Subject, ReconcileAcknowledgement.DigestOf(finding.Detail), "settled by phone", "finance-ops", DateTimeOffset.UtcNow);
        await PlantAsync(s, acknowledgement.ToDraft());

        var report = await audit.ReconcileAsync(Ct);

        Assert.Empty(report.Acknowledged);
        Assert.Contains(report.Mismatches, m => m.Kind == finding.Kind && m.Subject == finding.Subject);
        var named = Assert.Single(report.Mismatches, m => m.Kind == LedgerAudit.UnsealedAcknowledgement);
        Assert.Equal(acknowledgement.EntryId, named.Subject);
        Assert.Contains("is not sealed by this deployment", named.Detail, StringComparison.Ordinal);

        // Acknowledging it for real finds the planted entry under its id: refused, never answered "already acknowledged".
        var again = new ReconcileAcknowledger(audit, s.Ledger, TimeProvider.System)
            .AcknowledgeAsync(finding.Kind, finding.Subject, ReconcileAcknowledgement.DigestOf(finding.Detail), "settled by phone", "finance-ops", Ct);
        Assert.Contains("acknowledges nothing", (await Assert.ThrowsAsync<InvalidDataException>(() => again)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_AcknowledgementBookedByThePlatform_SetsTheFindingApart()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await new RefundStore(s.Tables).RecordAsync(new IncomingRefund("evt_" + Guid.NewGuid().ToString("N"), "ch_nowhere", "pi_nowhere", null, "cus_nowhere", 500, "USD", DateTimeOffset.UtcNow), Ct);
        var audit = ReconcileOnlyLedger.AuditOver(s.Tables);
        var finding = (await audit.ReconcileAsync(Ct)).Mismatches.First(m => ReconcileAcknowledgement.CanAcknowledge(m.Kind));
        await s.Ledger.AppendAsync(LedgerEntries.MainBook,
            new ReconcileAcknowledgement(finding.Kind, finding.Subject, ReconcileAcknowledgement.DigestOf(finding.Detail), "settled by phone", "finance-ops", DateTimeOffset.UtcNow).ToDraft(), Ct);

        var report = await audit.ReconcileAsync(Ct);

        Assert.Equal(finding.Subject, Assert.Single(report.Acknowledged).Finding.Subject);
        Assert.DoesNotContain(report.Mismatches, m => m.Kind == LedgerAudit.UnsealedAcknowledgement);
    }

    [Fact]
    public async Task VerifyAsync_ForgedAndUnsealedEntriesAfterTheFirstSealed_EachReportedAndOlderOnesSummarised()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s); // 1-3: written before seals
        await s.BookAsync("adj-3", 300); // 4: the first sealed entry, marked
        await PlantedEntries.AppendForgedAsync(s.Tables, LedgerEntries.MainBook, Adjustment("adj-forged"));
        await PlantAsync(s, Adjustment("adj-planted"));
        await s.BookAsync("adj-4", 400);
        await PlantedEntries.StripSealAsync(s.Tables, LedgerEntries.MainBook, 7); // a seal removed from a real entry

        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.Equal("adj-forged", Assert.Single(verify.Problems, p => p.Kind == SealFacts.Invalid).Subject);
        Assert.Equal(["adj-planted", "adj-4"], verify.Problems.Where(p => p.Kind == SealFacts.Unsealed).Select(p => p.Subject));
        Assert.Contains("3 entries (#1 to #3) carry no seal and come before the book's first sealed entry (#4)", verify.WrittenBeforeSeals, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendAsync_HeadSealedSinceForgedBeforeTheFirstSealedAppend_MarksItsEntryAndVerifyNamesWhatIsPlantedAfter()
    {
        // Before: the forged column stopped the marker from ever being written, and a later planted entry was summed up
        // with the book's older history in writtenBeforeSeals while verify stayed ok.
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s); // 1-3: written before seals
        await SetHeadSealedSinceAsync(s, 1);
        await s.BookAsync("adj-3", 300); // 4: the first sealed entry

        var first = await s.Ledger.GetAsync(LedgerEntries.MainBook, "adj-3", Ct);
        Assert.True(SealMarker.Marks(first!));
        await PlantAsync(s, Adjustment("adj-planted"));

        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.Equal("adj-planted", Assert.Single(verify.Problems, p => p.Kind == SealFacts.Unsealed).Subject);
        Assert.Contains("3 entries (#1 to #3)", verify.WrittenBeforeSeals, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_HeadSealedSinceNamingNoMarkedEntry_Reported()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await s.BookAsync("adj-1", 100); // 1: marked
        await s.BookAsync("adj-2", 200);
        await SetHeadSealedSinceAsync(s, 2);

        var verify = await s.Audit().VerifyAsync(Ct);

        var named = Assert.Single(verify.Problems, p => p.Kind == SealFacts.HeadSealedSinceUnmarked);
        Assert.Equal("head", named.Subject);
        Assert.Contains("#2", named.Detail, StringComparison.Ordinal);
    }

    private static async Task SetHeadSealedSinceAsync(LedgerTestSetup s, long sequence)
    {
        var head = (await s.Ledger.Table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey(LedgerEntries.MainBook), LedgerStore.HeadRowKey)).Value;
        head["SealedSince"] = sequence;
        await s.Ledger.Table.UpdateEntityAsync(head, head.ETag, TableUpdateMode.Replace);
    }

    [Fact]
    public async Task VerifyAsync_BookWrittenBeforeSealsThenAppendedTo_SummaryOnlyNoFinding()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);
        await s.Anchoring.RunAsync(Ct); // the change-over, the sealed claim, anchored

        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.True(verify.Ok, string.Join("; ", verify.Problems));
        Assert.NotNull(verify.WrittenBeforeSeals);
    }

    private static LedgerEntryDraft Adjustment(string id) => new(id, LedgerEntryKind.Adjustment, DateTimeOffset.UtcNow,
        [Posting.Debit("adjustment:carrier-x", "USD", 5), Posting.Credit("revenue:usage", "USD", 5)]);
}
