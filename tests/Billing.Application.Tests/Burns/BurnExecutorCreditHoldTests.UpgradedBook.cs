namespace Billing.Application.Tests.Burns;

/// <summary>
/// The credit-note hold on a book written before appends indexed credit notes and refunds (an upgraded deployment): burns
/// wait for the anchor run's backfill, and what lifts that wait is the chain's evidence, not a row.
/// </summary>
public partial class BurnExecutorCreditHoldTests
{
    [Fact]
    public async Task RunAsync_UpgradedBookHoldsACreditNoteWhoseRowsWereDeleted_HeldUntilTheAnchorRunIndexedItThenNamingTheEntry()
    {
        // Before: the note's entry, booked before the index, had no index row, so the burn was signed once its rows were gone.
        var (h, intent) = await NewAsync();
        ulong supply = await h.SupplyAsync();
        await h.CreditNoteAsync(intent.InvoiceId, voided: false);
        string entry = await h.BookCreditNoteAsync(intent.InvoiceId);
        await Ledger.UpgradedBook.StripAsync(h.Ledger);
        await Harness.DeleteAsync(h.Tables.Credits, TableKey.Escape(intent.InvoiceId));

        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        var held = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Held, (string?)null, 0), (held.Status, held.Signature, held.Signings));
        Assert.Contains("ledger index not complete: the anchor run is backfilling it", held.Reason, StringComparison.Ordinal);

        await h.Anchoring.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        held = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Held, (string?)null), (held.Status, held.Signature));
        Assert.Contains(entry, held.Reason, StringComparison.Ordinal);
        Assert.Contains("CreditNoteRowMissing", held.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
    }

    [Fact]
    public async Task RunAsync_UpgradedBookWithNothingAgainstTheInvoice_SignedOnceTheAnchorRunIndexedIt()
    {
        var (h, intent) = await NewAsync();
        await h.Ledger.AppendAsync(LedgerEntries.MainBook, new LedgerEntryDraft("adj-old", LedgerEntryKind.Adjustment, DateTimeOffset.UtcNow,
            [Posting.Debit("adjustment:carrier-x", "USD", 100), Posting.Credit("revenue:usage", "USD", 100)], new Dictionary<string, string> { ["payer"] = "carrier-x" }), Ct);
        await Ledger.UpgradedBook.StripAsync(h.Ledger);

        await h.Executor.RunAsync(Ct);
        Assert.Equal(BurnStatus.Held, (await h.GetAsync(intent.Id)).Status);

        await h.Anchoring.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync(intent.Id)).Status);
    }

    [Fact]
    public async Task RunAsync_UpgradedBookWithAPlantedCompleteCursorAndTheNotesRowsDeleted_HeldOnTheChainsWord()
    {
        // Before: the planted cursor said the index was whole, the note's entry had no index row, its rows were gone: signed.
        var (h, intent) = await NewAsync();
        ulong supply = await h.SupplyAsync();
        await h.CreditNoteAsync(intent.InvoiceId, voided: false);
        await h.BookCreditNoteAsync(intent.InvoiceId);
        await Ledger.UpgradedBook.StripAsync(h.Ledger);
        await Harness.DeleteAsync(h.Tables.Credits, TableKey.Escape(intent.InvoiceId));
        var head = await h.Ledger.HeadAsync(LedgerEntries.MainBook, Ct);
        await h.Ledger.SaveIndexCursorAsync(LedgerEntries.MainBook, new LedgerIndexCursor(head.LastSequence, head.LastHash, true), null, Ct);

        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        var held = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Held, (string?)null, 0), (held.Status, held.Signature, held.Signings));
        Assert.Contains("ledger index not complete", held.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
    }
}
