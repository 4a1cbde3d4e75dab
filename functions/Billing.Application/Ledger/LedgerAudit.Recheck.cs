namespace Billing.Application.Ledger;

/// <summary>
/// Reconcile's look again at what one scan found missing from another that was read earlier: an entry or an invoice written
/// between the two scans was work in flight, not a mismatch.
/// </summary>
public sealed partial class LedgerAudit
{
    /// <summary>
    /// What the findings that compare two scans are checked against once the scans are done: the entry a finding found unbooked
    /// (<c>PaymentNotBooked</c>), the invoice it found missing (<c>PaymentForUnknownInvoice</c>, <c>BurnForUnknownInvoice</c>), the
    /// burn found unsigned although the book holds its entry (<c>BurnAlreadyBooked</c>).
    /// </summary>
    private sealed class Rechecks
    {
        public Dictionary<AuditProblem, string> Unbooked { get; } = new(ReferenceEqualityComparer.Instance);

        public Dictionary<AuditProblem, string> UnknownInvoice { get; } = new(ReferenceEqualityComparer.Instance);

        /// <summary><c>BurnAlreadyBooked</c>: the burn read unsigned before the book was scanned may have landed and been booked since.</summary>
        public Dictionary<AuditProblem, string> BookedBurn { get; } = new(ReferenceEqualityComparer.Instance);
    }

    /// <summary>
    /// <paramref name="findings"/> less those <paramref name="rechecks"/> shows were work in flight: an entry booked since (one read
    /// each), an invoice there now (one read each; it is compared by the next run). A row that cannot be read keeps the scan's
    /// finding.
    /// </summary>
    private async Task<List<AuditProblem>> RecheckAsync(List<AuditProblem> findings, Rechecks rechecks, CancellationToken cancellationToken)
    {
        var bookedSince = await BookedSinceAsync(rechecks.Unbooked.Values, cancellationToken).ConfigureAwait(false);
        var thereNow = new HashSet<string>(StringComparer.Ordinal);
        foreach (string id in rechecks.UnknownInvoice.Values.Distinct(StringComparer.Ordinal))
        {
            try
            {
                if (await invoices.GetAsync(InvoiceId.Parse(id), cancellationToken).ConfigureAwait(false) is not null)
                {
                    thereNow.Add(id);
                }
            }
            catch (Exception ex) when (ex is InvalidDataException or FormatException)
            {
                // Not an id of ours, or its row cannot be read now: the finding stays (the next run reports the row).
            }
        }

        var signedSince = new HashSet<string>(StringComparer.Ordinal);
        foreach (string id in rechecks.BookedBurn.Values)
        {
            try
            {
                if (await burns.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { Intent.Status: BurnStatus.Pending or BurnStatus.Held })
                {
                    signedSince.Add(id);
                }
            }
            catch (InvalidDataException)
            {
                // Its row cannot be read now: the finding stays (the next run reports the row).
            }
        }

        var kept = new List<AuditProblem>(findings.Count);
        foreach (var finding in findings)
        {
            if (rechecks.BookedBurn.TryGetValue(finding, out var burnId) && signedSince.Contains(burnId))
            {
                continue;
            }

            if (rechecks.Unbooked.TryGetValue(finding, out var entryId) && bookedSince.Contains(entryId))
            {
                continue;
            }

            if (rechecks.UnknownInvoice.TryGetValue(finding, out var invoiceId) && thereNow.Contains(invoiceId))
            {
                continue;
            }

            kept.Add(finding);
        }

        return kept;
    }

    /// <summary>
    /// <see cref="CreditNoteFindings"/>, with each entry they find missing looked up again in the book: the book is scanned
    /// before the credit notes, so a note recorded and booked between the two scans is missing from the first only. The
    /// findings are made again with the entries booked since; one whose entry is still missing (or cannot be read) stays.
    /// </summary>
    private async Task<IReadOnlyList<AuditProblem>> CreditNoteFindingsAsync(
        StoredList<KeyValuePair<string, InvoiceCredits>> states, IReadOnlyList<BurnIntent> allBurns, Func<string, bool> booked, CancellationToken cancellationToken)
    {
        var missing = new HashSet<string>(StringComparer.Ordinal);
        bool BookedInScan(string id)
        {
            if (booked(id))
            {
                return true;
            }

            missing.Add(id); // looked up again below
            return false;
        }

        var events = await credits.ListAllAsync(cancellationToken).ConfigureAwait(false);
        var findings = CreditNoteFindings.For(events, states, allBurns, BookedInScan);
        var bookedSince = await BookedSinceAsync(missing, cancellationToken).ConfigureAwait(false);
        return bookedSince.Count == 0
            ? findings
            : CreditNoteFindings.For(events, states, allBurns, id => booked(id) || bookedSince.Contains(id));
    }

    /// <summary>The entries of <paramref name="ids"/> booked in the main book now (one read each); one whose id row cannot be read is not.</summary>
    private async Task<HashSet<string>> BookedSinceAsync(IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        var bookedSince = new HashSet<string>(StringComparer.Ordinal);
        foreach (string id in ids.Distinct(StringComparer.Ordinal))
        {
            try
            {
                if (await ledger.GetAsync(LedgerEntries.MainBook, id, cancellationToken).ConfigureAwait(false) is not null)
                {
                    bookedSince.Add(id);
                }
            }
            catch (InvalidDataException)
            {
                // Its id row cannot be read: the finding stays, and ledger verify names the row.
            }
        }

        return bookedSince;
    }
}
