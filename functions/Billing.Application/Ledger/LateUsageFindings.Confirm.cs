using Billing.Application.Invoicing;

namespace Billing.Application.Ledger;

internal static partial class LateUsageFindings
{
    /// <summary>Most reads of what a mark is decided from after the scans: two that agree end it sooner.</summary>
    private const int MaxConfirmReads = 3;

    /// <summary>
    /// <paramref name="scan"/>'s pending marks and mismatches, with the mismatches a period close or metering in flight explains
    /// taken out. The invoices are scanned long before the marks and the close records are read, while a close stores a payer's
    /// invoice, clears the marks that settles, and writes the month's close record only after every payer: a month the scans
    /// found closed for nobody (<c>LateUsageMonthNotClosed</c>) may have been closed for the payer meanwhile, and the latest
    /// close read (<c>LateUsageCloseFailed</c>) may be one a newer close has superseded. So once the scans are done each such
    /// mark is read again with what it is decided from (<see cref="DecideAgainAsync"/>) and decided again: a mark that is gone
    /// was settled, and one a close now bills is listed as pending (as the read has it), neither reported; a mismatch still
    /// found is read until two reads in a row agree (at most <see cref="MaxConfirmReads"/>) and reported as the last read has
    /// it. One whose rows cannot be read now keeps what the reads before found: the next run reports the row.
    /// </summary>
    public static async Task<(List<AuditProblem> Pending, List<AuditProblem> Mismatches)> ConfirmAsync(
        Scan scan, LateUsageStore late, InvoiceStore invoices, DateTimeOffset now, InvoicingOptions invoicing, CancellationToken cancellationToken)
    {
        AuditProblem?[] kept = [.. scan.Mismatches];
        var settled = new List<AuditProblem>();
        var previous = new Dictionary<int, AuditProblem>();
        var open = Enumerable.Range(0, kept.Length).Where(i => ReadAgain.Contains(kept[i]!.Kind) && scan.MarkOf.ContainsKey(kept[i]!)).ToList();
        for (int read = 1; read <= MaxConfirmReads && open.Count > 0; read++)
        {
            var again = await DecideAgainAsync([.. open.Select(i => scan.MarkOf[scan.Mismatches[i]])], late, invoices, now, invoicing, cancellationToken).ConfigureAwait(false);
            var stillOpen = new List<int>();
            for (int k = 0; k < open.Count; k++)
            {
                int i = open[k];
                switch (again[k])
                {
                    case null:
                        break; // a row cannot be read now: as the reads before found it
                    case (null, _):
                        kept[i] = null; // settled since: the mark is gone
                        break;
                    case ({ } pending, true):
                        kept[i] = null;
                        settled.Add(pending);
                        scan.MarkOf[pending] = scan.MarkOf[scan.Mismatches[i]];
                        break;
                    case ({ } mismatch, false):
                        kept[i] = mismatch;
                        if (!previous.TryGetValue(i, out var before) || before != mismatch)
                        {
                            previous[i] = mismatch;
                            stillOpen.Add(i);
                        }

                        break;
                }
            }

            open = stillOpen;
        }

        var pendingNow = scan.Pending.Concat(settled).Select(f => (Mark: scan.MarkOf[f], Finding: f))
            .OrderBy(p => p.Mark.Payer, StringComparer.Ordinal).ThenBy(p => p.Mark.Month).Select(p => p.Finding).ToList();
        return (pendingNow, [.. kept.OfType<AuditProblem>()]);
    }

    /// <summary>
    /// Each of <paramref name="scanned"/> decided again from the rows as they are now, read in the order a close writes them
    /// backwards: the marks (one query), then for each mark the payer's invoices of its month and, when none is there, the
    /// month's close record, then the latest close. The finding, and whether it is pending; a null finding when the mark is
    /// gone; null when a row it is decided from cannot be read.
    /// </summary>
    private static async Task<(AuditProblem? Finding, bool Pending)?[]> DecideAgainAsync(
        IReadOnlyList<LateUsageMark> scanned, LateUsageStore late, InvoiceStore invoices, DateTimeOffset now, InvoicingOptions invoicing, CancellationToken cancellationToken)
    {
        var decided = new (AuditProblem? Finding, bool Pending)?[scanned.Count];
        var marks = await late.ListAsync(cancellationToken).ConfigureAwait(false);
        var byMonth = new Dictionary<(string Payer, BillingPeriod Month), LateUsageMark>();
        foreach (var mark in marks.Items)
        {
            byMonth.TryAdd((mark.Payer, mark.Month), mark);
        }

        var records = new CloseRecords(invoices);
        var toDecide = new List<(int Index, LateUsageMark Mark, bool Invoiced)>();
        for (int k = 0; k < scanned.Count; k++)
        {
            if (!byMonth.TryGetValue((scanned[k].Payer, scanned[k].Month), out var mark))
            {
                decided[k] = marks.Unreadable.Count > 0 ? null : (null, false); // gone, unless it may be a row that cannot be read now
                continue;
            }

            var own = await invoices.ListAsync(mark.Month, mark.Payer, cancellationToken).ConfigureAwait(false);
            bool invoiced = own.Items.Any(i => i.Status != InvoiceStatus.Void);
            if (own.Unreadable.Count == 0 && (invoiced || (await records.GetAsync(mark.Month, cancellationToken).ConfigureAwait(false)).Unreadable is null))
            {
                toDecide.Add((k, mark, invoiced));
            }
        }

        var latest = toDecide.Count > 0 ? await LatestAsync(invoices, records, cancellationToken).ConfigureAwait(false) : default;
        if (latest.Unreadable is null)
        {
            foreach (var (k, mark, invoiced) in toDecide)
            {
                decided[k] = await DecideAsync(mark, invoiced, records, latest, now, invoicing, cancellationToken).ConfigureAwait(false);
            }
        }

        return decided;
    }
}
