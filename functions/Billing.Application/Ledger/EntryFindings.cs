namespace Billing.Application.Ledger;

/// <summary>
/// What each entry of a kind reconcile derives books, compared with the records it stands for (docs/design.md §4.8): the book
/// is hash-chained, but its unanchored tail can be rewritten with a recomputed chain by someone with write access to storage,
/// which <c>ledger verify</c> cannot see. <c>EntryMismatch</c>: an entry whose postings or metadata differ from the entry its
/// records make (<see cref="EntryDrafts"/>, what the booking code books); <c>EntryWithoutSource</c>: an entry no record stands
/// behind (no such invoice, payment, credit note or burn, or one that books nothing). Refund steps are compared with their
/// charges' refund rows (<see cref="RefundEntryFindings"/>; one whose row is gone is <c>RefundRowMissing</c>). Burns are compared by
/// <see cref="BurnEntryFindings"/> (<c>BurnEntryMismatch</c>); only a burn entry without a burn row is reported here.
/// Other kinds are not derived from records: adjustments (manual bookings), and the evidence entries with no postings (partner
/// audit pins, which <c>partners verify</c> checks, and reconcile acknowledgements, whose id is derived from what they
/// acknowledge). Records that cannot be read are reported as such; entries that would stand on them are not compared.
/// </summary>
internal static class EntryFindings
{
    public const string Mismatch = "EntryMismatch";
    public const string WithoutSource = "EntryWithoutSource";

    private const string InvoicePrefix = "invoice-finalized:";
    private const string PaymentPrefix = "payment:";
    private const string BurnPrefix = "burn:";
    private const string IssuedPrefix = "credit-note:";
    private const string VoidedPrefix = "credit-note-void:";

    /// <summary>The findings of <paramref name="entries"/> (the linked book, readable entries) against <paramref name="records"/>.</summary>
    public static IEnumerable<AuditProblem> For(IEnumerable<LedgerEntry> entries, EntrySources records)
    {
        ArgumentNullException.ThrowIfNull(records);
        var book = entries.OrderBy(e => e.Sequence).ToList();
        var refunds = new RefundEntryFindings(book, records);
        var issues = book.Where(e => e.Kind == LedgerEntryKind.CreditNoteIssued).GroupBy(e => e.EntryId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        // The book's change-over (BookFormat): a credit note of the older shape sequenced at or after it was rewritten; a book
        // created since has it at entry 1 and accepts none. A book without one was written before, all of it.
        long changedAt = book.FirstOrDefault(BookFormat.Marks)?.Sequence ?? long.MaxValue;
        foreach (var entry in book.OrderBy(e => e.Sequence))
        {
            var finding = entry.Kind switch
            {
                LedgerEntryKind.InvoiceFinalized => OfInvoice(entry, records),
                LedgerEntryKind.PaymentReceived => OfPayment(entry, records),
                LedgerEntryKind.CreditNoteIssued => OfCreditNote(entry, IssuedPrefix, records, issues, changedAt),
                LedgerEntryKind.CreditNoteVoided => OfCreditNote(entry, VoidedPrefix, records, issues, changedAt),
                LedgerEntryKind.TokensBurned => OfBurn(entry, records),
                LedgerEntryKind.PaymentRefunded => refunds.Of(entry),
                _ => null, // not derived from records (see the summary), or a kind another finding compares
            };
            if (finding is not null)
            {
                yield return finding;
            }
        }
    }

    /// <summary>The id of the record an entry of a kind reconcile derives names (invoice id, Stripe event id, burn id, credit note id); null otherwise.</summary>
    public static string? SourceId(LedgerEntry entry) => entry.Kind switch
    {
        LedgerEntryKind.InvoiceFinalized => IdAfter(entry, InvoicePrefix),
        LedgerEntryKind.PaymentReceived => IdAfter(entry, PaymentPrefix),
        LedgerEntryKind.TokensBurned => IdAfter(entry, BurnPrefix),
        LedgerEntryKind.CreditNoteIssued => IdAfter(entry, IssuedPrefix),
        LedgerEntryKind.CreditNoteVoided => IdAfter(entry, VoidedPrefix),
        _ => null,
    };

    private static AuditProblem? OfInvoice(LedgerEntry entry, EntrySources records)
    {
        if (IdAfter(entry, InvoicePrefix) is not { } id)
        {
            return NoSource(entry, "its id names no invoice");
        }

        if (!records.Invoices.TryGetValue(id, out var invoice))
        {
            return records.UnreadableInvoices.Contains(id) ? null : NoSource(entry, $"no invoice {id} exists");
        }

        if (invoice.Status is not (InvoiceStatus.Finalized or InvoiceStatus.PartiallyPaid or InvoiceStatus.Paid))
        {
            return NoSource(entry, $"invoice {id} is {InvoiceJson.StatusName(invoice.Status)}: nothing is booked for it");
        }

        // The pin of the payer's audit chain at booking is no record reconcile reads (partners verify checks it).
        return Compare(entry, "the invoice", () => LedgerEntries.InvoiceFinalized(invoice, entry.OccurredAt),
            key => key is PartnerAuditPin.CountKey or PartnerAuditPin.HeadKey);
    }

    private static AuditProblem? OfPayment(LedgerEntry entry, EntrySources records)
    {
        if (IdAfter(entry, PaymentPrefix) is not { } eventId)
        {
            return NoSource(entry, "its id names no Stripe event");
        }

        if (!records.Payments.TryGetValue(eventId, out var payment))
        {
            bool unknown = records.UnreadablePayments.Contains(eventId)
                || entry.Metadata.TryGetValue("invoiceId", out var invoiceId) && records.PaymentsUnknown.Contains(invoiceId);
            return unknown ? null : NoSource(entry, $"no payment of Stripe event {eventId} is recorded");
        }

        // Without a decision nothing is booked for it yet (PaymentNotApplied); one decided meanwhile is compared by the next run.
        return payment.Resolution is null ? null : Compare(entry, "the payment record", () => EntryDrafts.Payment(payment));
    }

    /// <summary>
    /// A note's entry, compared with the entry of the shape its issue entry has (<see cref="EntryDrafts.CreditNote"/>): one written
    /// before 2026-12-06 credited the refunded part to cash:stripe; that shape is accepted only for an issue entry the book
    /// sequences before its change-over (<paramref name="changedAt"/>, <see cref="BookFormat"/>). A void whose issue is not in
    /// <paramref name="issues"/> is compared by its own shape.
    /// </summary>
    private static AuditProblem? OfCreditNote(LedgerEntry entry, string prefix, EntrySources records, IReadOnlyDictionary<string, LedgerEntry> issues, long changedAt)
    {
        if (IdAfter(entry, prefix) is not { } noteId)
        {
            return NoSource(entry, "its id names no credit note");
        }

        if (!records.CreditNotes.TryGetValue(noteId, out var found))
        {
            bool unknown = entry.Metadata.TryGetValue("invoiceId", out var invoiceId) && records.CreditsUnknown.Contains(invoiceId);
            return unknown ? null : NoSource(entry, $"no credit note {noteId} is recorded");
        }

        var (invoiceOf, note) = found;
        if (!note.Applied)
        {
            return NoSource(entry, $"credit note {noteId} of {invoiceOf} is recorded not applied ({note.Reason}): nothing is booked for it");
        }

        if (prefix == VoidedPrefix && !note.Voided)
        {
            return NoSource(entry, $"credit note {noteId} of {invoiceOf} is not recorded voided");
        }

        return Compare(entry, "the credit note", () =>
        {
            var issuedInBook = prefix == VoidedPrefix ? issues.GetValueOrDefault(CreditNoteEntries.IssuedId(noteId)) ?? entry : entry;

            // The older shape only for an issue sequenced before the book's change-over, which the chain (and its anchors) fix.
            bool older = issuedInBook.Sequence < changedAt;
            var (issued, voided) = EntryDrafts.CreditNote(note, invoiceOf, older ? issuedInBook : null);
            return prefix == VoidedPrefix ? voided : issued;
        });
    }

    /// <summary>A burn's entry is compared with its row when finalized (<see cref="BurnEntryFindings"/>); here only one without a row.</summary>
    private static AuditProblem? OfBurn(LedgerEntry entry, EntrySources records)
    {
        if (IdAfter(entry, BurnPrefix) is not { } burnId)
        {
            return NoSource(entry, "its id names no burn");
        }

        return records.Burns.Contains(burnId) || records.UnreadableBurns.Contains(burnId) ? null : NoSource(entry, $"no burn {burnId} is recorded");
    }

    internal static AuditProblem? Compare(LedgerEntry entry, string source, Func<LedgerEntryDraft?> expected, Func<string, bool>? skipKey = null)
    {
        LedgerEntryDraft? draft;
        try
        {
            draft = expected();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or OverflowException or LedgerValidationException)
        {
            return NoSource(entry, $"{source} books nothing ({ex.Message})");
        }

        if (draft is null)
        {
            return NoSource(entry, $"{source} books nothing (no amount)");
        }

        return EntryComparison.Differences(entry, draft, source, skipKey) is { } why
            ? new(Mismatch, entry.EntryId, $"{entry.Kind} #{entry.Sequence}: {why}; the entry is hash-chained, so it was rewritten (with its chain) or booked from records changed since")
            : null;
    }

    internal static AuditProblem NoSource(LedgerEntry entry, string why) =>
        new(WithoutSource, entry.EntryId, $"{entry.Kind} #{entry.Sequence}: {why}; the platform books no such entry");

    private static string? IdAfter(LedgerEntry entry, string prefix) =>
        entry.EntryId.StartsWith(prefix, StringComparison.Ordinal) && entry.EntryId.Length > prefix.Length ? entry.EntryId[prefix.Length..] : null;
}
