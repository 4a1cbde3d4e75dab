namespace Billing.Application.Payments;

/// <summary>
/// The ledger entries of an invoice's applied credit notes, with ids derived from the credit note id (booked once, however often
/// asked), and the notes that waited for a payment: Stripe may deliver a note that gives money back before the <c>invoice.paid</c>
/// of the money it gives back, so a note recorded <see cref="CreditNoteReason.ExceedsPaid"/> is decided again whenever the
/// invoice's payments are settled (<see cref="CreditNoteApplication.RedecideExceedsPaid"/>).
/// </summary>
internal static class CreditNoteBookings
{
    private const int MaxAttempts = 20;

    /// <summary>
    /// Books <paramref name="note"/>'s issue, and its void when voided; nothing for a note not applied. Of the shape its issue
    /// entry has in the book, if booked (before 2026-12-06 the refunded part went to cash:stripe; <see cref="EntryDrafts.CreditNote"/>).
    /// </summary>
    public static async Task BookAsync(LedgerStore ledger, CreditNoteEntry note, string invoiceId, CancellationToken cancellationToken)
    {
        var booked = note.Applied ? await ledger.GetAsync(LedgerEntries.MainBook, CreditNoteEntries.IssuedId(note.CreditNoteId), cancellationToken).ConfigureAwait(false) : null;
        var (issued, voided) = EntryDrafts.CreditNote(note, invoiceId, booked); // nothing for a note not applied
        await AppendAsync(ledger, issued, cancellationToken).ConfigureAwait(false);
        await AppendAsync(ledger, voided, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies the invoice's notes that waited for the payments now received (<paramref name="receivedMinor"/>), written guarded by
    /// the notes' ETag, then books every one of them applied so far (a crash between the two is finished by the next settle). A
    /// note's state row that cannot be read throws <see cref="InvalidDataException"/> before anything is written.
    /// </summary>
    public static async Task ApplyWaitingAsync(CreditNoteStore credits, LedgerStore ledger, Invoice invoice, long receivedMinor, CancellationToken cancellationToken)
    {
        string invoiceId = invoice.Id.ToString();
        InvoiceCredits state = InvoiceCredits.Empty;
        for (int attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var (stored, etag) = await credits.GetStateAsync(invoiceId, cancellationToken).ConfigureAwait(false);
            var (next, applied) = CreditNoteApplication.RedecideExceedsPaid(invoice, receivedMinor, stored);
            state = stored;
            if (etag is not { } current || applied.Count == 0)
            {
                break;
            }

            if (await credits.TryReplaceStateAsync(invoiceId, next, current, cancellationToken).ConfigureAwait(false))
            {
                state = next;
                break;
            }

            if (attempt == MaxAttempts - 1)
            {
                throw new PaymentContentionException(invoiceId, MaxAttempts);
            }
        }

        // Every applied note, whoever applied it: an entry already booked is not booked again (its id is the note's).
        foreach (var note in state.Notes.Values.Where(n => n.Applied).OrderBy(n => n.IssuedAt).ThenBy(n => n.CreditNoteId, StringComparer.Ordinal))
        {
            await BookAsync(ledger, note, invoiceId, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task AppendAsync(LedgerStore ledger, LedgerEntryDraft? draft, CancellationToken cancellationToken)
    {
        if (draft is not null)
        {
            await ledger.AppendAsync(LedgerEntries.MainBook, draft, cancellationToken).ConfigureAwait(false);
        }
    }
}
