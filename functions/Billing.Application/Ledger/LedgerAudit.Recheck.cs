namespace Billing.Application.Ledger;

/// <summary>
/// Reconcile's look again at what one scan found missing from another that was read earlier: an entry, an invoice, a
/// customer's payments or notes written between the two scans was work in flight, not a mismatch.
/// </summary>
public sealed partial class LedgerAudit
{
    /// <summary>
    /// What the findings that compare two scans are checked against once the scans are done: the entry a finding found unbooked
    /// (<c>PaymentNotBooked</c>), the invoice it found missing (<c>PaymentForUnknownInvoice</c>, <c>BurnForUnknownInvoice</c>), the
    /// customer and currency a refund no invoice is found for was compared by (<see cref="RefundFindings.OfCustomer"/>).
    /// </summary>
    private sealed class Rechecks
    {
        public Dictionary<AuditProblem, string> Unbooked { get; } = new(ReferenceEqualityComparer.Instance);

        public Dictionary<AuditProblem, string> UnknownInvoice { get; } = new(ReferenceEqualityComparer.Instance);

        public Dictionary<AuditProblem, RefundFindings.CustomerCurrency> ByCustomer { get; } = new(ReferenceEqualityComparer.Instance);
    }

    /// <summary>
    /// <paramref name="findings"/> less those <paramref name="rechecks"/> shows were work in flight: an entry booked since (one read
    /// each), an invoice there now (one read each; it is compared by the next run), and refunds of a customer that its payments,
    /// notes and charges as they are now no longer find (<see cref="CustomerRefundsNowAsync"/>; a finding still there is reported
    /// as it reads now). A row that cannot be read keeps the scan's finding.
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

        var now = new Dictionary<RefundFindings.CustomerCurrency, List<AuditProblem>?>();
        foreach (var group in rechecks.ByCustomer.GroupBy(f => f.Value))
        {
            now[group.Key] = await CustomerRefundsNowAsync(group.Key, [.. group.Select(f => f.Key.Subject)], cancellationToken).ConfigureAwait(false);
        }

        var kept = new List<AuditProblem>(findings.Count);
        foreach (var finding in findings)
        {
            if (rechecks.Unbooked.TryGetValue(finding, out var entryId) && bookedSince.Contains(entryId))
            {
                continue;
            }

            if (rechecks.UnknownInvoice.TryGetValue(finding, out var invoiceId) && thereNow.Contains(invoiceId))
            {
                continue;
            }

            if (rechecks.ByCustomer.TryGetValue(finding, out var by) && now[by] is { } current)
            {
                if ((Take(current, finding, exact: true) ?? Take(current, finding, exact: false)) is { } still)
                {
                    kept.Add(still);
                }

                continue;
            }

            kept.Add(finding);
        }

        return kept;
    }

    /// <summary>
    /// The findings of the refunds of customer and currency <paramref name="by"/> that no invoice is found for, from the rows as they
    /// are now: the customer's charges still placed under no invoice (with no customer, the <paramref name="charges"/> the scan
    /// reported, read again by id), the invoices its payments paid, and those invoices' notes and placed charges. Null when a row
    /// cannot be read.
    /// </summary>
    private async Task<List<AuditProblem>?> CustomerRefundsNowAsync(RefundFindings.CustomerCurrency by, IReadOnlyList<string> charges, CancellationToken cancellationToken)
    {
        try
        {
            var unplaced = new List<RefundRecord>();
            IReadOnlyList<string> paid = [];
            var left = new Dictionary<string, long>(StringComparer.Ordinal);
            if (by.Customer is { } customer)
            {
                unplaced.AddRange((await refunds.UnplacedOfCustomerAsync(customer, cancellationToken).ConfigureAwait(false)).Where(r => r.Currency == by.Currency));
                paid = await payments.InvoicesPaidByCustomerAsync(customer, cancellationToken).ConfigureAwait(false);
                foreach (string invoiceId in paid)
                {
                    var (notes, _) = await credits.GetStateAsync(invoiceId, cancellationToken).ConfigureAwait(false);
                    left[invoiceId] = RefundFindings.LeftToExplain(notes, await refunds.OfInvoiceAsync(invoiceId, cancellationToken).ConfigureAwait(false), by.Currency);
                }
            }
            else
            {
                foreach (string chargeId in charges)
                {
                    if (await refunds.GetAsync(chargeId, cancellationToken).ConfigureAwait(false) is ({ InvoiceId: null, AmountRefundedMinor: > 0 } charge, _) && charge.Currency == by.Currency)
                    {
                        unplaced.Add(charge);
                    }
                }
            }

            return [.. RefundFindings.OfCustomer(by, unplaced, paid, i => left[i])];
        }
        catch (InvalidDataException)
        {
            return null;
        }
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
