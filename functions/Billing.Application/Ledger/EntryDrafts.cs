namespace Billing.Application.Ledger;

/// <summary>
/// The entry each record books, in one place: the code that books (<see cref="LedgerRecorder"/>, the credit notes' bookings)
/// and reconcile, which compares each entry of the book with the entry its records make (<see cref="EntryFindings"/>), call
/// the same factories with the same values, so the check cannot drift from the booking.
/// </summary>
internal static class EntryDrafts
{
    /// <summary>
    /// A payment with its decided split (<see cref="LedgerEntries.PaymentApplied"/>); null when nothing is booked for it: no
    /// decision recorded (reconcile reports <c>PaymentNotApplied</c>), or no money to book (a zero split).
    /// </summary>
    public static LedgerEntryDraft? Payment(PaymentRecord payment)
    {
        ArgumentNullException.ThrowIfNull(payment);
        if (payment.Resolution is null || payment.ToReceivableMinor == 0 && payment.ToCreditMinor == 0 && payment.ToUnappliedMinor == 0)
        {
            return null; // a payment of no invoice of ours has no payer to book it to, and never a split
        }

        return LedgerEntries.PaymentApplied(payment.StripeEventId, payment.InvoiceId, payment.Payer, payment.Currency,
            payment.ToReceivableMinor, payment.ToCreditMinor, payment.ToUnappliedMinor, payment.ReceivedAt);
    }

    /// <summary>A finalized burn (<see cref="LedgerEntries.TokensBurned(BurnIntent, DateTimeOffset)"/>), at the time its row says it landed.</summary>
    public static LedgerEntryDraft? Burn(BurnIntent burn)
    {
        ArgumentNullException.ThrowIfNull(burn);
        return LedgerEntries.TokensBurned(burn, burn.UpdatedAt);
    }

    /// <summary>
    /// An applied credit note of <paramref name="invoiceId"/>: its issue, and its void once voided (<see cref="CreditNoteEntries"/>);
    /// nothing for a note not applied. Both of the shape of <paramref name="issuedInBook"/>, the note's issue entry as the book
    /// has it (none yet: today's): a book written before 2026-12-06 credited the refunded part to cash:stripe, and its entries
    /// stay what they were, so a later void reverses what the issue posted.
    /// </summary>
    public static (LedgerEntryDraft? Issued, LedgerEntryDraft? Voided) CreditNote(CreditNoteEntry note, string invoiceId, LedgerEntry? issuedInBook = null)
    {
        ArgumentNullException.ThrowIfNull(note);
        if (!note.Applied)
        {
            return (null, null);
        }

        string payer = InvoiceId.Parse(invoiceId).Payer;
        bool refundedToCash = CreditNoteEntries.RefundedToCash(issuedInBook);
        return (CreditNoteEntries.Issued(note, invoiceId, payer, note.IssuedAt, refundedToCash),
            note.Voided ? CreditNoteEntries.Voided(note, invoiceId, payer, note.VoidedAt ?? note.IssuedAt, refundedToCash) : null);
    }
}
