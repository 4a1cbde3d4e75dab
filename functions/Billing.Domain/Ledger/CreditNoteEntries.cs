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
    /// The note's issue: debit <see cref="Accounts.RevenueCreditNotes"/> by its amount; credit <c>receivable:{payer}</c> with what it
    /// took off the amount due, <see cref="Accounts.ClearingRefunds"/> with what Stripe refunded (the refund's own entry,
    /// <see cref="RefundEntries"/>, moves the cash; before 2026-12 notes credited <see cref="Accounts.CashStripe"/> with it), <c>credit:{payer}</c> with what went to
    /// the customer balance and <see cref="Accounts.CashOutOfBand"/> with what was paid back outside Stripe. Null for a zero note.
    /// </summary>
    public static LedgerEntryDraft? Issued(CreditNoteEntry note, string invoiceId, string payer, DateTimeOffset occurredAt) =>
        Draft(note, invoiceId, payer, occurredAt, IssuedId(note.CreditNoteId), LedgerEntryKind.CreditNoteIssued, 1);

    /// <summary>The exact reversal of <see cref="Issued"/>.</summary>
    public static LedgerEntryDraft? Voided(CreditNoteEntry note, string invoiceId, string payer, DateTimeOffset occurredAt) =>
        Draft(note, invoiceId, payer, occurredAt, VoidedId(note.CreditNoteId), LedgerEntryKind.CreditNoteVoided, -1);

    private static LedgerEntryDraft? Draft(CreditNoteEntry note, string invoiceId, string payer, DateTimeOffset occurredAt, string entryId, LedgerEntryKind kind, int sign)
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
        Give(Accounts.ClearingRefunds, note.Amounts.RefundedMinor);
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
