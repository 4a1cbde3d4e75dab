using Billing.Tests.Shared;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// A book written before credit-note and refund entries got their subject index rows at booking (an upgraded deployment,
/// <see cref="UpgradedBook"/>): the anchor run writes the missing rows from the entries it read and checked against the
/// hash chain, a page a run behind a persisted cursor, and verify says once that it is not done yet instead of one
/// <c>IndexRowMissing</c> per old entry. Real Azurite and a private localnet.
/// </summary>
public class LedgerAnchorServiceIndexBackfillTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private const string InvoiceId = "INV-carrier-x-202611";

    private static readonly CreditNoteEntry Note = new("cn_old", "in_old", "USD", new CreditNoteAmounts(1_000, 0, 1_000, 1_000, 0), true, CreditNoteReason.None, DateTimeOffset.UtcNow, "evt_cn_old");

    /// <summary>
    /// Books adj-1, the note's issue (as books of then did: its refund credited cash), adj-2, its void, adj-3 (sequences
    /// 1-5), and takes the index away, as the book of a deployment upgraded today is.
    /// </summary>
    private static async Task OldBookAsync(LedgerTestSetup s)
    {
        await s.BookAsync("adj-1", 100);
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, CreditNoteEntries.Issued(Note, InvoiceId, "carrier-x", Note.IssuedAt, refundedToCash: true)!, Ct);
        await s.BookAsync("adj-2", 200);
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, CreditNoteEntries.Voided(Note, InvoiceId, "carrier-x", Note.IssuedAt.AddMinutes(5), refundedToCash: true)!, Ct);
        await s.BookAsync("adj-3", 300);
        await UpgradedBook.StripAsync(s.Ledger);
    }

    private static async Task<IReadOnlyList<string>> IndexedAsync(LedgerTestSetup s) =>
        [.. (await s.Ledger.IndexedAsync(LedgerEntries.MainBook, LedgerIndex.Invoice(InvoiceId), Ct)).Select(e => e.EntryId)];

    [Fact]
    public async Task RunAsync_UpgradedBook_WritesTheMissingIndexRowsAndVerifyIsClean()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);
        Assert.Empty(await IndexedAsync(s));

        await s.Anchoring.RunAsync(Ct);

        Assert.Equal([CreditNoteEntries.IssuedId("cn_old"), CreditNoteEntries.VoidedId("cn_old")], await IndexedAsync(s)); // before: never written
        var verify = await s.Audit().VerifyAsync(Ct);
        Assert.True(verify.Ok, string.Join("; ", verify.Problems));
    }

    [Fact]
    public async Task VerifyAsync_UpgradedBookNotBackfilledYet_SaysSoOnceInsteadOfARowMissingPerEntry()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);

        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.DoesNotContain(verify.Problems, p => p.Kind == "IndexRowMissing"); // before: one per old credit-note entry
        var incomplete = Assert.Single(verify.Problems, p => p.Kind == "IndexBackfillIncomplete");
        Assert.Contains("anchor run", incomplete.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_IndexRowDeletedAfterTheBackfillCompleted_ReportsIndexRowMissing()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);
        await s.Anchoring.RunAsync(Ct);
        string rowKey = LedgerStore.IndexRowKey(LedgerIndex.Invoice(InvoiceId), CreditNoteEntries.IssuedId("cn_old"));

        await s.Ledger.Table.DeleteEntityAsync(LedgerStore.PartitionKey(LedgerEntries.MainBook), rowKey, Azure.ETag.All, Ct);
        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.Equal(rowKey, Assert.Single(verify.Problems, p => p.Kind == "IndexRowMissing").Subject);
        Assert.Equal(BookFormat.BackfillId(6), Assert.Single(verify.Problems, p => p.Kind == "BookFormatClaimFalse").Subject); // the evidence it contradicts
        Assert.DoesNotContain(verify.Problems, p => p.Kind == "IndexBackfillIncomplete");
    }

    [Fact]
    public async Task RunAsync_BookLongerThanOnePage_BackfillsAPageARunAndCompletesAtTheHead()
    {
        var s = await LedgerTestSetup.NewAsync(chain, new LedgerOptions { IndexBackfillEntriesPerRun = 2 });
        await OldBookAsync(s);

        var first = await s.Anchoring.BackfillIndexPageAsync(LedgerEntries.MainBook, Ct);

        Assert.Equal((1L, 2L, false), (first!.From, first.Through, first.Complete));
        Assert.Equal([CreditNoteEntries.IssuedId("cn_old")], await IndexedAsync(s));
        Assert.False(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct));
        var verify = await s.Audit().VerifyAsync(Ct);
        Assert.DoesNotContain(verify.Problems, p => p.Kind == "IndexRowMissing");
        Assert.Contains("through sequence 2; 1 credit-note or refund entry past sequence 2", Assert.Single(verify.Problems, p => p.Kind == "IndexBackfillIncomplete").Detail, StringComparison.Ordinal);

        var second = await s.Anchoring.RunAsync(Ct);
        var third = await s.Anchoring.RunAsync(Ct);

        Assert.Equal("checked entries 3-4 of 5, 1 index rows written; continued next run", second.IndexBackfill);
        Assert.Equal("checked entries 5-5 of 5, 0 index rows written; complete", third.IndexBackfill);
        Assert.True(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct));
        Assert.Null(await s.Anchoring.BackfillIndexPageAsync(LedgerEntries.MainBook, Ct)); // done: one read a run from now on
        Assert.Equal([CreditNoteEntries.IssuedId("cn_old"), CreditNoteEntries.VoidedId("cn_old")], await IndexedAsync(s));
        Assert.True((await s.Audit().VerifyAsync(Ct)).Ok);
    }

    [Fact]
    public async Task BackfillIndexPageAsync_OldEntryEditedBesideItsHash_WritesNoRowFromItNorPastIt()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);
        string rowKey = LedgerStore.SequenceRowKey(2);
        var issue = (await s.Ledger.Table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey(LedgerEntries.MainBook), rowKey, cancellationToken: Ct)).Value;
        // The insider moves the note to another invoice, so a backfill trusting the row would index it there.
        await s.PlantAsync(rowKey, "Metadata", issue.GetString("Metadata").Replace(InvoiceId, "INV-carrier-y-202611", StringComparison.Ordinal));

        var run = await s.Anchoring.BackfillIndexPageAsync(LedgerEntries.MainBook, Ct);

        Assert.Equal((1L, false), (run!.Through, run.Complete));
        Assert.Contains("entry 2 ('credit-note:cn_old')", run.Refusal, StringComparison.Ordinal);
        Assert.Empty(await s.Ledger.IndexRowsAsync(LedgerEntries.MainBook, Ct));
        Assert.False(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct));
        var verify = await s.Audit().VerifyAsync(Ct);
        Assert.Contains("through sequence 1;", Assert.Single(verify.Problems, p => p.Kind == "IndexBackfillIncomplete").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BackfillIndexPageAsync_RowOfOtherContentUnderAnEntrysKey_LeftAsItIsAndReportedByVerify()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);
        string pk = LedgerStore.PartitionKey(LedgerEntries.MainBook);
        string rowKey = LedgerStore.IndexRowKey(LedgerIndex.Invoice(InvoiceId), CreditNoteEntries.IssuedId("cn_old"));
        await s.Ledger.Table.AddEntityAsync(new TableEntity(pk, rowKey) { ["EntryId"] = CreditNoteEntries.IssuedId("cn_old"), ["Sequence"] = 4L }, Ct);

        var run = await s.Anchoring.BackfillIndexPageAsync(LedgerEntries.MainBook, Ct);

        Assert.Equal((1, 1, true), (run!.Written, run.OtherContent, run.Complete));
        Assert.Equal(4L, (await s.Ledger.Table.GetEntityAsync<TableEntity>(pk, rowKey, cancellationToken: Ct)).Value.GetInt64("Sequence"));
        var verify = await s.Audit().VerifyAsync(Ct);
        Assert.Equal("index row " + rowKey, Assert.Single(verify.Problems, p => p.Kind == "IndexRowMismatch").Subject);
    }

    [Fact]
    public async Task BackfillIndexPageAsync_TwoRunsAtOnce_EachRowWrittenOnceAndTheIndexComplete()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);

        var runs = await Task.WhenAll(
            s.Anchoring.BackfillIndexPageAsync(LedgerEntries.MainBook, Ct),
            s.AnchoringAt(TimeProvider.System).BackfillIndexPageAsync(LedgerEntries.MainBook, Ct));

        Assert.Equal(2, runs.Sum(r => r?.Written ?? 0));
        Assert.All(runs, r => Assert.Equal(0, r?.OtherContent ?? 0));
        Assert.True(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct));
        Assert.Equal([CreditNoteEntries.IssuedId("cn_old"), CreditNoteEntries.VoidedId("cn_old")], await IndexedAsync(s));
    }

    [Fact]
    public async Task IsIndexCompleteAsync_BookCreatedWithTheIndex_CompleteFromItsFirstAppendWithoutAnyRun()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        Assert.True(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct)); // no entry yet

        await s.BookAsync("adj-1", 100);
        await s.Ledger.AppendBatchAsync("imported", [new LedgerEntryDraft("imp-1", LedgerEntryKind.Adjustment, DateTimeOffset.UtcNow,
            [Posting.Debit("adjustment:carrier-x", "USD", 5), Posting.Credit("revenue:usage", "USD", 5)], new Dictionary<string, string>())], Ct);

        Assert.Equal(1L, (await s.Ledger.ChangeOverEntryAsync(LedgerEntries.MainBook, Ct))?.Sequence); // entry 1 says so itself
        Assert.Equal(1L, (await s.Ledger.ChangeOverEntryAsync("imported", Ct))?.Sequence);
        Assert.True(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct));
        Assert.True(await s.Ledger.IsIndexCompleteAsync("imported", Ct));
        Assert.Null((await s.Ledger.IndexCursorAsync(LedgerEntries.MainBook, Ct)).Cursor); // no row needed
        Assert.DoesNotContain((await s.Audit().VerifyAsync(Ct)).Problems, p => p.Kind.StartsWith("Index", StringComparison.Ordinal));

        await UpgradedBook.StripAsync(s.Ledger);
        Assert.False(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct)); // entries, no change-over: written before the index
    }

    [Fact]
    public async Task IsIndexCompleteAsync_UpgradedBookWithAPlantedCompleteCursor_NotComplete()
    {
        // Before: the cursor's word was taken, so a burn was signed once the note's rows were deleted too.
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);
        await s.BookAsync("adj-4", 400); // today's first append: the change-over at 6

        await s.Ledger.SaveIndexCursorAsync(LedgerEntries.MainBook, new LedgerIndexCursor(6, (await s.Ledger.HeadAsync(LedgerEntries.MainBook, Ct)).LastHash, true), null, Ct);

        Assert.Equal(6L, (await s.Ledger.ChangeOverEntryAsync(LedgerEntries.MainBook, Ct))?.Sequence);
        Assert.False(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct));
    }

    [Fact]
    public async Task IsIndexCompleteAsync_UpgradedBookWhoseHeadAndFirstEntryWereDeleted_NotComplete()
    {
        // Before: a book with neither head nor entry 1 was taken for a new one, whose index is whole.
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);
        string pk = LedgerStore.PartitionKey(LedgerEntries.MainBook);

        await s.Ledger.Table.DeleteEntityAsync(pk, LedgerStore.HeadRowKey, Azure.ETag.All, Ct);
        await s.Ledger.Table.DeleteEntityAsync(pk, LedgerStore.SequenceRowKey(1), Azure.ETag.All, Ct);

        Assert.False(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct));
    }

    [Fact]
    public async Task RunAsync_UpgradedBook_AppendsTheChangeOverThenTheEvidenceThatLiftsTheHold()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);

        var run = await s.Anchoring.BackfillIndexPageAsync(LedgerEntries.MainBook, Ct);

        Assert.Equal((1L, 5L, true), (run!.From, run.Through, run.Complete));
        var appended = (await s.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct)).Skip(5).ToList();
        Assert.Equal([LedgerEntryKind.BookFormatChanged, LedgerEntryKind.IndexBackfillCompleted], appended.Select(e => e.Kind));
        Assert.True(BookFormat.Marks(appended[0]));
        Assert.Equal(6L, BookFormat.BackfilledBelow(appended[1]));
        Assert.True(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct));

        // The cursor is a working position only: gone, the chain still says complete, and a run has nothing to do.
        await s.Ledger.Table.DeleteEntityAsync(LedgerStore.PartitionKey(LedgerEntries.MainBook), LedgerStore.IndexCursorRowKey, Azure.ETag.All, Ct);
        Assert.True(await s.Ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, Ct));
        Assert.Null(await s.Anchoring.BackfillIndexPageAsync(LedgerEntries.MainBook, Ct));
        Assert.True((await s.Audit().VerifyAsync(Ct)).Ok);
    }

    [Fact]
    public async Task BackfillIndexPageAsync_PlantedCompleteCursor_ChecksTheBookFromEntryOne()
    {
        // Before: a complete cursor ended the backfill, so the old note's rows were never written.
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);
        await s.Ledger.SaveIndexCursorAsync(LedgerEntries.MainBook, new LedgerIndexCursor(5, (await s.Ledger.HeadAsync(LedgerEntries.MainBook, Ct)).LastHash, true), null, Ct);

        var run = await s.Anchoring.BackfillIndexPageAsync(LedgerEntries.MainBook, Ct);

        Assert.Equal((1L, 5L, 2, true), (run!.From, run.Through, run.Written, run.Complete));
        Assert.Equal([CreditNoteEntries.IssuedId("cn_old"), CreditNoteEntries.VoidedId("cn_old")], await IndexedAsync(s));
    }

    /// <summary>The anchor run of <paramref name="s"/> on tables that cut it off when the void's index row is written (entry 4).</summary>
    private LedgerAnchorService CutOffAtTheVoid(LedgerTestSetup s, int cursorEvery = LedgerAnchorService.DefaultIndexCursorEvery)
    {
        var tables = CutOffTables.Create(chain.Azurite.ConnectionString, s.Tables, CreditNoteEntries.VoidedId("cn_old"));
        return new LedgerAnchorService(new LedgerStore(tables, TestSeals.Keys), new AnchorStore(tables), s.Rpc, s.Authority, LedgerTestSetup.Pinner(tables), s.Options,
            TimeProvider.System, NullLogger<LedgerAnchorService>.Instance) { IndexCursorEvery = cursorEvery };
    }

    [Fact]
    public async Task RunAsync_BackfillCutOff_TheNewEntriesAreAnchoredFirst()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CutOffAtTheVoid(s).RunAsync(Ct));

        var anchored = await s.Anchors.GetLastAsync(LedgerEntries.MainBook, Ct);
        Assert.Equal((AnchorStatus.Confirmed, 5L), (anchored?.Status, anchored?.ToSeq)); // before: the backfill ran first, nothing anchored
    }

    [Fact]
    public async Task BackfillIndexPageAsync_RunCutOffMidPage_NextRunResumesPastTheLastSavedCursor()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => CutOffAtTheVoid(s, cursorEvery: 2).BackfillIndexPageAsync(LedgerEntries.MainBook, Ct));

        Assert.Equal(2L, (await s.Ledger.IndexCursorAsync(LedgerEntries.MainBook, Ct)).Cursor?.IndexedThrough); // before: no cursor, page redone
        var next = await s.Anchoring.BackfillIndexPageAsync(LedgerEntries.MainBook, Ct);
        Assert.Equal((3L, 5L, 1, true), (next!.From, next.Through, next.Written, next.Complete));
        Assert.Equal([CreditNoteEntries.IssuedId("cn_old"), CreditNoteEntries.VoidedId("cn_old")], await IndexedAsync(s));
        Assert.True((await s.Audit().VerifyAsync(Ct)).Ok);
    }

    [Fact]
    public async Task BackfillIndexPageAsync_TimeBudgetSpent_StopsThereWithTheCursorSavedAndTheNextRunGoesOn()
    {
        var s = await LedgerTestSetup.NewAsync(chain);
        await OldBookAsync(s);
        // A clock that moves a third of the budget each time it is read: the page is spent after a few entries.
        var clock = new FakeTimeProvider { AutoAdvanceAmount = LedgerAnchorService.IndexBackfillBudget / 3 };

        var first = await s.AnchoringAt(clock).BackfillIndexPageAsync(LedgerEntries.MainBook, Ct);

        Assert.InRange(first!.Through, 1L, 4L); // before: the whole page, however long it took
        Assert.False(first.Complete);
        Assert.Equal("checked entries 1-" + first.Through + " of 5, " + first.Written + " index rows written; continued next run", first.ToString());
        Assert.Equal(first.Through, (await s.Ledger.IndexCursorAsync(LedgerEntries.MainBook, Ct)).Cursor?.IndexedThrough);
        var next = await s.Anchoring.BackfillIndexPageAsync(LedgerEntries.MainBook, Ct);
        Assert.Equal((first.Through + 1, 5L, true), (next!.From, next.Through, next.Complete));
        Assert.Equal([CreditNoteEntries.IssuedId("cn_old"), CreditNoteEntries.VoidedId("cn_old")], await IndexedAsync(s));
    }
}

