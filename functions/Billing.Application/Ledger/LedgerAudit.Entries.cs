namespace Billing.Application.Ledger;

/// <summary>Reconcile's comparison of the book's entries with their records (<see cref="EntryFindings"/>).</summary>
public sealed partial class LedgerAudit
{
    /// <summary>
    /// <see cref="EntryFindings"/> over the scans, with each <c>EntryWithoutSource</c> of an invoice, payment or burn looked up
    /// again (one read each): those records are scanned before the book, so one written and booked between the two scans is
    /// missing from its scan only. When the record is there now, the entry is compared with it instead; when it is still
    /// missing or cannot be read now, the finding stays (the next run reports the row). Credit notes and refunds are scanned after the book.
    /// </summary>
    private async Task<List<AuditProblem>> EntryFindingsAsync(Dictionary<string, LedgerEntry> entries, EntrySources scanned, CancellationToken cancellationToken)
    {
        var findings = new List<AuditProblem>();
        foreach (var finding in EntryFindings.For(entries.Values, scanned))
        {
            if (finding.Kind == EntryFindings.WithoutSource && entries.TryGetValue(finding.Subject, out var entry)
                && await SourceNowAsync(entry, cancellationToken).ConfigureAwait(false) is { } now)
            {
                findings.AddRange(EntryFindings.For([entry], now));
            }
            else
            {
                findings.Add(finding);
            }
        }

        return findings;
    }

    /// <summary>The record <paramref name="entry"/> names, read now; null when it is not there, cannot be read, or is of another kind.</summary>
    private async Task<EntrySources?> SourceNowAsync(LedgerEntry entry, CancellationToken cancellationToken)
    {
        if (EntryFindings.SourceId(entry) is not { } id)
        {
            return null;
        }

        try
        {
            switch (entry.Kind)
            {
                case LedgerEntryKind.InvoiceFinalized:
                    return await invoices.GetAsync(InvoiceId.Parse(id), cancellationToken).ConfigureAwait(false) is { } invoice ? EntrySources.Of(invoice: invoice) : null;
                case LedgerEntryKind.PaymentReceived when entry.Metadata.TryGetValue("invoiceId", out var invoiceId):
                    return await payments.GetAsync(invoiceId, id, cancellationToken).ConfigureAwait(false) is { } payment ? EntrySources.Of(payment: payment) : null;
                case LedgerEntryKind.TokensBurned:
                    return await burns.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } burn ? EntrySources.Of(burn: burn.Intent) : null;
                default:
                    return null;
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            return null; // not an id of ours, or its row cannot be read now: the finding stays
        }
    }
}
