namespace Billing.Application.Ledger;

/// <summary>
/// Money going back that the book holds and the rows do not (deleted or rewritten outside the platform): a credit note entry
/// whose note the invoice's credit note rows do not hold as booked (<see cref="CreditNoteRowMissing"/>), a refund entry whose
/// charge's refund row is gone or records less (<see cref="RefundRowMissing"/>). The one comparison both the burn executor
/// (it holds the burn) and reconcile (it reports it) apply; only entries of the chain are given to it.
/// </summary>
/// <param name="Kind">The reconcile kind.</param>
/// <param name="EntryId">The book's entry.</param>
/// <param name="Subject">The invoice (a credit note, a placed refund) or the charge (a refund under no invoice).</param>
/// <param name="Detail">What the book holds and the rows do not.</param>
internal sealed record BookedRowMissing(string Kind, string EntryId, string Subject, string Detail)
{
    public const string CreditNoteRowMissing = "CreditNoteRowMissing";
    public const string RefundRowMissing = "RefundRowMissing";

    /// <summary>
    /// The mismatches of <paramref name="entries"/> (any entries; only credit-note and refund ones are compared) with the rows:
    /// <paramref name="creditsOf"/> an invoice's credit notes (null: they cannot be read, reported apart, not compared);
    /// <paramref name="refundOf"/> a charge's refund row (null: none), or <c>Unknown</c> when it cannot be read.
    /// </summary>
    public static IEnumerable<BookedRowMissing> Of(IEnumerable<LedgerEntry> entries, Func<string, InvoiceCredits?> creditsOf, Func<string, (RefundRecord? Row, bool Unknown)> refundOf)
    {
        var list = entries.ToList();
        var voided = list.Where(e => e.Kind == LedgerEntryKind.CreditNoteVoided).Select(e => Meta(e, "creditNoteId")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var entry in list.OrderBy(e => e.Sequence))
        {
            if (entry.Kind == LedgerEntryKind.CreditNoteIssued && Meta(entry, "creditNoteId") is { } cn && !voided.Contains(cn)
                && Meta(entry, "invoiceId") is { } invoiceId && creditsOf(invoiceId) is { } credits
                && CreditNoteProblem(entry, credits, cn) is { } problem)
            {
                yield return new(CreditNoteRowMissing, entry.EntryId, invoiceId, string.Create(CultureInfo.InvariantCulture,
                    $"the book holds {entry.EntryId} (credit note {cn} of {invoiceId}, {Given(entry)} minor units of {Meta(entry, "currency")} given back), but the credit note rows of {invoiceId} {problem}: changed outside the platform; restore them from Stripe"));
            }
            else if (entry.Kind == LedgerEntryKind.PaymentRefunded && Meta(entry, "chargeId") is { } charge && RefundEntries.AmountRefundedOf(entry) is { } amount)
            {
                var (row, unknown) = refundOf(charge);
                if (!unknown && (row is null || row.AmountRefundedMinor < amount))
                {
                    yield return new(RefundRowMissing, entry.EntryId, Meta(entry, "invoiceId") ?? charge, string.Create(CultureInfo.InvariantCulture,
                        $"the book holds {entry.EntryId} (Stripe refunded {amount} minor units of {Meta(entry, "currency")} on charge {charge}{(Meta(entry, "invoiceId") is { } placed ? ", paid for " + placed : "")}), but the refund row of {charge} {(row is null ? "is missing" : $"records {row.AmountRefundedMinor}")}: changed outside the platform; restore it from Stripe"));
                }
            }
        }
    }

    /// <summary>
    /// Reconcile's findings over the chain's <paramref name="entries"/> and the rows it listed: an invoice whose credit notes
    /// cannot be read (<paramref name="creditsUnknown"/>) or a refund row that cannot be read is reported apart, not compared.
    /// </summary>
    public static IEnumerable<AuditProblem> Findings(IEnumerable<LedgerEntry> entries, IReadOnlyDictionary<string, InvoiceCredits> creditsOf, IReadOnlySet<string> creditsUnknown, StoredList<RefundRecord> refunds)
    {
        var rows = refunds.Items.ToDictionary(r => r.ChargeId, StringComparer.Ordinal);
        var unknown = refunds.Unreadable.Select(u => u.Id).ToHashSet(StringComparer.Ordinal);
        return Of(entries, id => creditsUnknown.Contains(id) ? null : creditsOf.GetValueOrDefault(id) ?? InvoiceCredits.Empty,
                charge => (rows.GetValueOrDefault(charge), unknown.Contains(charge)))
            .Select(m => new AuditProblem(m.Kind, m.Subject, m.Detail));
    }

    private static string? CreditNoteProblem(LedgerEntry entry, InvoiceCredits credits, string cn)
    {
        if (!credits.Notes.TryGetValue(cn, out var note))
        {
            return "do not hold it";
        }

        return note.Voided ? "record it voided, which the book does not"
            : !note.Applied ? "record it not applied"
            : note.Amounts.AmountMinor != Given(entry) ? string.Create(CultureInfo.InvariantCulture, $"record {note.Amounts.AmountMinor} minor units")
            : null;
    }

    /// <summary>What the issue entry debited contra-revenue with: the note's amount.</summary>
    private static long Given(LedgerEntry entry) => entry.Postings.Where(p => p.Account == Accounts.RevenueCreditNotes).Sum(p => p.Amount);

    private static string? Meta(LedgerEntry entry, string key) => entry.Metadata.TryGetValue(key, out string? value) ? value : null;
}
