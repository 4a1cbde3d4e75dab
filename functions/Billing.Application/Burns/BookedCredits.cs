namespace Billing.Application.Burns;

/// <summary>
/// The book's word on money that went back on a burn's invoice (docs/design.md §4.15): the credit-note and refund entries
/// indexed under the invoice, and the refunds under no invoice of the Stripe customers who paid it, compared with the rows
/// the other holds read (<see cref="BookedRowMissing"/>). Rows deleted or rewritten outside the platform lift those holds;
/// the book's entries, hash-chained and anchored, do not go with them, so the burn stays held. A burn finance released is held
/// only by entries booked after the release (finance decided with the earlier ones named in its hold reason).
/// While the index is not whole (a book written before appends indexed, its backfill not done), every burn is held: what the
/// index does not show yet may be this invoice's.
/// </summary>
internal static class BookedCredits
{
    /// <summary>
    /// The hold while the index is not whole: the book was written before appends indexed credit-note and refund entries, and
    /// the anchor run has not yet written the rows of the older ones, among which this invoice's may be.
    /// </summary>
    internal const string IndexIncomplete = "held: ledger index not complete: the anchor run is backfilling it (the book holds entries booked before credit notes "
        + "and refunds were indexed, and this invoice's may be among them); signed once it is complete (ledger verify reports IndexBackfillIncomplete until then)";

    /// <summary>
    /// Why the book holds the burn; null when the rows hold everything it books. Asked only of a book whose index is whole (else
    /// <see cref="IndexIncomplete"/> holds it: the caller knows, once a run). A row or index row that cannot be read throws
    /// <see cref="InvalidDataException"/>.
    /// </summary>
    public static async Task<string?> WhyAsync(ILedgerRecorder ledger, CreditNoteStore creditNotes, RefundStore refunds, PaymentStore payments, BurnIntent intent, CancellationToken cancellationToken)
    {
        var entries = new List<LedgerEntry>(await ledger.IndexedAsync(LedgerIndex.Invoice(intent.InvoiceId), cancellationToken).ConfigureAwait(false));
        foreach (var (customer, _) in (await InvoicePayers.OfAsync(payments, intent.InvoiceId, cancellationToken).ConfigureAwait(false)).Customers)
        {
            entries.AddRange(await ledger.IndexedAsync(LedgerIndex.Customer(customer), cancellationToken).ConfigureAwait(false));
        }

        if (intent.ReleasedAt is { } released)
        {
            // When the entry was booked, not when its event happened: a refund Stripe made before the release but booked after
            // it (a late delivery) is news to finance. One whose booking time is unknown holds.
            entries.RemoveAll(e => e.RecordedAt is { } booked && booked <= released);
        }

        if (entries.Count == 0)
        {
            return null;
        }

        var credits = new Dictionary<string, InvoiceCredits>(StringComparer.Ordinal);
        foreach (string invoiceId in entries.Where(e => e.Kind is LedgerEntryKind.CreditNoteIssued).Select(e => e.Metadata.GetValueOrDefault("invoiceId")).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            credits[invoiceId] = (await creditNotes.GetStateAsync(invoiceId, cancellationToken).ConfigureAwait(false)).State;
        }

        var rows = new Dictionary<string, RefundRecord?>(StringComparer.Ordinal);
        foreach (string charge in entries.Where(e => e.Kind is LedgerEntryKind.PaymentRefunded).Select(e => e.Metadata.GetValueOrDefault("chargeId")).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            rows[charge] = (await refunds.GetAsync(charge, cancellationToken).ConfigureAwait(false))?.Record;
        }

        return BookedRowMissing.Of(entries, credits.GetValueOrDefault, charge => (rows.GetValueOrDefault(charge), false)).FirstOrDefault() is { } missing
            ? $"held: {missing.Detail}; money that went back is not burned (ledger reconcile reports {missing.Kind}); signed once the rows hold what the book does, or finance releases the burn"
            : null;
    }
}
