namespace Billing.Application.Ledger;

/// <summary>
/// The reconcile findings of Stripe credit notes (docs/design.md §4.15): notes recorded unapplied, by reason
/// (<c>CreditNoteUnknownInvoice</c>, <c>CreditNoteExceedsPaid</c>, …); applied notes without their ledger entry
/// (<c>CreditNoteNotBooked</c>); and money credited back on an invoice whose burn was already finalized
/// (<c>CreditNoteAfterBurn</c>) or in flight (<c>CreditNoteDuringBurn</c>), or whose burn waits for it (<c>BurnHeldForCredit</c>):
/// notes that may have sent money back (<see cref="InvoiceCredits.HoldingNotes"/>); a pre-payment note is part of the invoice's
/// settlement instead (<see cref="InvoiceFindings"/>).
/// Rows that cannot be read are findings of their own (<c>CreditNoteUnreadable</c>, <c>CreditNoteStateUnreadable</c>).
/// </summary>
internal static class CreditNoteFindings
{
    /// <summary>The findings of the credit-note <paramref name="events"/> and <paramref name="states"/> as listed, against <paramref name="burns"/> and the entries <paramref name="booked"/> says are in the book.</summary>
    public static IReadOnlyList<AuditProblem> For(
        StoredList<CreditNoteRecord> events, StoredList<KeyValuePair<string, InvoiceCredits>> states, IReadOnlyList<BurnIntent> burns, Func<string, bool> booked)
    {
        var detailOf = events.Items.GroupBy(r => r.Note.CreditNoteId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Detail, StringComparer.Ordinal);
        var burnOf = burns.ToDictionary(b => b.Id, StringComparer.Ordinal);
        var findings = new List<AuditProblem>();

        foreach (var (invoiceId, state) in states.Items)
        {
            foreach (var note in state.Notes.Values.OrderBy(n => n.IssuedAt))
            {
                string amount = Amount(note.Amounts.AmountMinor, note.Currency);
                if (!note.Applied && !note.Voided)
                {
                    findings.Add(new("CreditNote" + note.Reason, note.CreditNoteId, $"{invoiceId}: {amount} not applied: {detailOf.GetValueOrDefault(note.CreditNoteId, "")}"));
                }

                if (note.Applied && !booked(CreditNoteEntries.IssuedId(note.CreditNoteId)) && note.Amounts.AmountMinor > 0)
                {
                    findings.Add(new("CreditNoteNotBooked", note.CreditNoteId, $"{invoiceId}: {amount} credited but no ledger entry {CreditNoteEntries.IssuedId(note.CreditNoteId)}"));
                }

                if (note.Applied && note.Voided && !booked(CreditNoteEntries.VoidedId(note.CreditNoteId)) && note.Amounts.AmountMinor > 0)
                {
                    findings.Add(new("CreditNoteNotBooked", note.CreditNoteId, $"{invoiceId}: voided but no ledger entry {CreditNoteEntries.VoidedId(note.CreditNoteId)}"));
                }
            }

            if (state.HoldsBurn && burnOf.TryGetValue(BurnIntent.IdFor(invoiceId), out var burn) && BurnFinding(invoiceId, state, burn) is { } finding)
            {
                findings.Add(finding);
            }
        }

        foreach (var record in events.Items.Where(r => r.InvoiceId is null))
        {
            findings.Add(new("CreditNote" + record.Reason, record.Note.CreditNoteId,
                $"{Amount(record.Note.Amounts.AmountMinor, record.Note.Currency)} on Stripe invoice {record.Note.StripeInvoiceId} not applied: {record.Detail}"));
        }

        findings.AddRange(events.Unreadable.Select(bad => new AuditProblem("CreditNoteUnreadable", bad.Id,
            $"{bad.InvoiceId ?? CreditNoteStore.UnmatchedPartition}: {bad.Reason}; not counted here")));
        findings.AddRange(states.Unreadable.Select(bad => new AuditProblem("CreditNoteStateUnreadable", bad.Id,
            $"{bad.Reason}; the invoice's credit notes are unknown, so its burn is held until the row is repaired")));
        return findings;
    }

    /// <summary>What standing credit notes mean for the invoice's burn: nothing is un-burned, so after or during a burn they are reported.</summary>
    private static AuditProblem? BurnFinding(string invoiceId, InvoiceCredits state, BurnIntent burn)
    {
        if (burn.ReleasedAt is not null)
        {
            return null; // finance decided what it converts; whether that exceeds what the invoice kept is ReleasedBurnExceedsKept
        }

        var standing = state.HoldingNotes.ToList(); // a pre-payment-only note is in the settled amount, not a credit against the burn
        string notes = string.Join(", ", standing.Select(n => $"{n.CreditNoteId} {Amount(n.Amounts.AmountMinor, n.Currency)} (refunded {Amount(n.Amounts.RefundedMinor, n.Currency)})"));
        string tokens = string.Create(CultureInfo.InvariantCulture, $"{burn.TokenAmount} base units");
        return burn.Status switch
        {
            BurnStatus.Finalized => new("CreditNoteAfterBurn", invoiceId,
                $"credit notes {notes} stand against it, but burn {burn.Id} of {burn.UsdMinor} minor units was finalized ({tokens}, signature {burn.Signature}): a burn is final and is never undone; settle the credited money outside the platform"),
            BurnStatus.Signed or BurnStatus.Submitted => new("CreditNoteDuringBurn", invoiceId,
                $"credit notes {notes} arrived while burn {burn.Id} was in flight ({tokens}, signature {burn.Signature}); it may land and is never undone"),
            BurnStatus.Held or BurnStatus.Pending => new("BurnHeldForCredit", burn.Id,
                $"{invoiceId}: credit notes {notes} stand against the invoice; the burn of {burn.UsdMinor} minor units is not signed until they are voided"),
            _ => null,
        };
    }

    internal static string Amount(long minor, string code) =>
        Currency.TryFromCode(code, out var currency) ? $"{new Money(minor, currency)} {code}" : string.Create(CultureInfo.InvariantCulture, $"{minor} minor units {code}");
}
