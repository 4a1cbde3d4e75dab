using Billing.Domain.Credits;

namespace Billing.Domain.Ledger;

/// <summary>
/// The entries of a Stripe credit note, with ids derived from the credit note id (<c>credit-note:{cn}</c>,
/// <c>credit-note-void:{cn}</c>), so every event about one note, replayed or not, books it once.
/// </summary>
public static class CreditNoteEntries
{
    public static string IssuedId(string creditNoteId) => "credit-note:" + creditNoteId;

    public static string VoidedId(string creditNoteId) => "credit-note-void:" + creditNoteId;

    /// <summary>
    /// Whether <paramref name="booked"/>, a note's issue entry as the book has it, credited the refunded part to
    /// <see cref="Accounts.CashStripe"/>, as books written before 2026-12-06 did: that note's entries keep the shape (its void
    /// reverses what the issue posted, reconcile derives it so), and its refund's cash already left (<see cref="CashOutOf"/>).
    /// False for none (a note booked now).
    /// </summary>
    public static bool RefundedToCash(LedgerEntry? booked) =>
        booked is not null && booked.Postings.Any(p => p.Account == Accounts.CashStripe);

    /// <summary>What <paramref name="booked"/> (a note's issue or void entry, or none) took out of <see cref="Accounts.CashStripe"/> in <paramref name="asset"/>, net: negative for a void.</summary>
    public static long CashOutOf(LedgerEntry? booked, string asset) =>
        booked is null ? 0 : -booked.Postings.Where(p => p.Account == Accounts.CashStripe && p.Asset == asset).Sum(p => p.Amount);

    /// <summary>
    /// The note's issue: debit <see cref="Accounts.RevenueCreditNotes"/> by its amount; credit <c>receivable:{payer}</c> with what it
    /// took off the amount due, <see cref="Accounts.ClearingRefunds"/> with what Stripe refunded (the refund's own entry,
    /// <see cref="RefundEntries"/>, moves the cash; <paramref name="refundedToCash"/>: <see cref="Accounts.CashStripe"/>, as notes booked
    /// before 2026-12-06 did, <see cref="RefundedToCash"/>), <c>credit:{payer}</c> with what went to
    /// the customer balance and <see cref="Accounts.CashOutOfBand"/> with what was paid back outside Stripe. Null for a zero note.
    /// </summary>
    public static LedgerEntryDraft? Issued(CreditNoteEntry note, string invoiceId, string payer, DateTimeOffset occurredAt, bool refundedToCash = false) =>
        Draft(note, invoiceId, payer, occurredAt, IssuedId(note.CreditNoteId), LedgerEntryKind.CreditNoteIssued, 1, refundedToCash);

    /// <summary>The exact reversal of <see cref="Issued"/> (of the same shape: <paramref name="refundedToCash"/> as the issue entry booked).</summary>
    public static LedgerEntryDraft? Voided(CreditNoteEntry note, string invoiceId, string payer, DateTimeOffset occurredAt, bool refundedToCash = false) =>
        Draft(note, invoiceId, payer, occurredAt, VoidedId(note.CreditNoteId), LedgerEntryKind.CreditNoteVoided, -1, refundedToCash);

    private static LedgerEntryDraft? Draft(CreditNoteEntry note, string invoiceId, string payer, DateTimeOffset occurredAt, string entryId, LedgerEntryKind kind, int sign, bool refundedToCash)
    {
        ArgumentNullException.ThrowIfNull(note);
        ArgumentException.ThrowIfNullOrWhiteSpace(invoiceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(payer);
        if (note.Amounts.AmountMinor == 0)
        {
            return null;
        }

        string asset = Assets.Of(Currency.FromCode(note.Currency));
        var postings = new List<Posting> { new(Accounts.RevenueCreditNotes, asset, sign * note.Amounts.AmountMinor) };
        void Give(string account, long amount)
        {
            if (amount > 0)
            {
                postings.Add(new Posting(account, asset, -sign * amount));
            }
        }

        Give(Accounts.Receivable(payer), note.Amounts.PrePaymentMinor);
        Give(refundedToCash ? Accounts.CashStripe : Accounts.ClearingRefunds, note.Amounts.RefundedMinor);
        Give(Accounts.CustomerCredit(payer), note.Amounts.CustomerBalanceMinor);
        Give(Accounts.CashOutOfBand, note.Amounts.OutOfBandMinor);
        return new LedgerEntryDraft(entryId, kind, occurredAt, postings, new Dictionary<string, string>
        {
            ["creditNoteId"] = note.CreditNoteId,
            ["stripeInvoiceId"] = note.StripeInvoiceId,
            ["stripeEventId"] = sign > 0 ? note.RecordedBy : note.VoidedBy ?? note.RecordedBy,
            ["invoiceId"] = invoiceId,
            ["payer"] = payer,
            ["currency"] = asset,
        });
    }
}
