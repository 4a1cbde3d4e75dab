namespace Billing.Application.Ledger;

/// <summary>
/// Reconcile's findings of late usage: usage metered after the closes that correct its month routinely is marked
/// (<see cref="LateUsageStore"/>), and the next close of a later month bills it as an adjustment and clears the mark
/// (<see cref="Invoicing.PeriodCloser"/>). A mark that a close will settle without anyone acting is <c>LateUsagePending</c>,
/// listed apart from the mismatches: the books are right, the invoice that bills it is simply not made yet. A mark no close
/// settles as things stand is a mismatch naming what stops it, since its money is never billed otherwise:
/// <c>LateUsageWithoutPayer</c> (no partner of that id, one a close does not invoice, or a partner row that cannot be
/// read), <c>LateUsageMonthNotClosed</c> (the month was never closed for the payer, the payer failed in its close, or its
/// close record cannot be read: a close adjusts only months already closed for the payer), <c>LateUsageCloseFailed</c> (the
/// payer failed in the latest close: a close fails a payer only for what it takes to repeat on every retry, so the next
/// close is expected to fail it too, until finance fixes the cause). A mark row that cannot be read is <c>LateUsageMarkUnreadable</c>.
/// Cost: one query of the small <c>late</c> partition and, only when there are marks, the partner registry, the close
/// partition's row keys and one close record per month marked (plus the latest), each read once.
/// </summary>
internal static class LateUsageFindings
{
    public static async Task<(IReadOnlyList<AuditProblem> Pending, IReadOnlyList<AuditProblem> Mismatches)> ListAsync(
        LateUsageStore late, PartnerStore partners, InvoiceStore invoices, IReadOnlyList<Invoice> allInvoices, CancellationToken cancellationToken)
    {
        var marks = await late.ListAsync(cancellationToken).ConfigureAwait(false);
        var pending = new List<AuditProblem>();
        var mismatches = marks.Unreadable
            .Select(bad => new AuditProblem("LateUsageMarkUnreadable", bad.Id, $"facts table: {bad.Reason}; closes leave it alone, so the late usage of its month and payer (its row key) is not billed until it is repaired"))
            .ToList();
        if (marks.Items.Count == 0)
        {
            return (pending, mismatches);
        }

        var registry = await partners.ListAsync(cancellationToken).ConfigureAwait(false);
        // Two rows may name one partner (keys that unescape alike, planted outside the platform): the first is kept, the
        // report is made all the same.
        var known = new Dictionary<string, Partner>(StringComparer.Ordinal);
        foreach (var p in registry.Items)
        {
            known.TryAdd(p.Id, p);
        }

        var unreadablePartners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var u in registry.Unreadable)
        {
            unreadablePartners.TryAdd(u.Id, u.Reason);
        }

        var invoiced = allInvoices.Where(i => i.Status != InvoiceStatus.Void).Select(i => (i.Payer, i.Period)).ToHashSet();
        var records = new CloseRecords(invoices);
        var latest = await invoices.LatestClosedAsync(cancellationToken).ConfigureAwait(false) is { } l ? (Month: l, Record: (await records.GetAsync(l, cancellationToken).ConfigureAwait(false)).Record) : default;
        foreach (var mark in marks.Items.OrderBy(m => m.Payer, StringComparer.Ordinal).ThenBy(m => m.Month))
        {
            string subject = $"{mark.Payer} {mark.Month}";
            string usage = string.Create(CultureInfo.InvariantCulture, $"usage of {mark.Month} metered after the closes that correct it routinely (first metered late at {mark.FirstMeteredAt:u}, last at {mark.MeteredAt:u})");
            string? withoutPayer = known.TryGetValue(mark.Payer, out var partner)
                ? partner.IsInvoiced ? null : $"{mark.Payer} is not a payer a close invoices (role {Partners.PartnerRules.Name(partner.Role)}{(partner.IsPayer ? ", no price plan" : "")})"
                : unreadablePartners.TryGetValue(mark.Payer, out var reason) ? $"the partner row of {mark.Payer} cannot be read: {reason}" : $"no partner {mark.Payer} is registered";
            if (withoutPayer is not null)
            {
                mismatches.Add(new("LateUsageWithoutPayer", subject, $"{usage}; no close bills it: {withoutPayer}"));
                continue;
            }

            if (!invoiced.Contains((mark.Payer, mark.Month)))
            {
                var (record, unreadable) = await records.GetAsync(mark.Month, cancellationToken).ConfigureAwait(false);
                if (NotClosed(mark, record, unreadable) is { } notClosed)
                {
                    mismatches.Add(new("LateUsageMonthNotClosed", subject, $"{usage}; a close adjusts only months closed for the payer, and {notClosed}"));
                    continue;
                }
            }

            if (latest.Record is { } last && !last.Closed(mark.Payer))
            {
                mismatches.Add(new("LateUsageCloseFailed", subject,
                    $"{usage}; {mark.Payer} failed in the latest close, of {latest.Month} ({last.FailedPayers[mark.Payer]}): a close fails a payer only for what repeats on every retry, so no close bills it until that is fixed; then close {latest.Month} again (it retries the payers that failed in it)"));
                continue;
            }

            pending.Add(new("LateUsagePending", subject, $"{usage}; the next close of a later month not yet closed for {mark.Payer} bills it as an adjustment"));
        }

        return (pending, mismatches);
    }

    /// <summary>Why the mark's month is not closed for its payer (as a close decides it), or null when it is.</summary>
    private static string? NotClosed(LateUsageMark mark, PeriodCloseRecord? record, string? unreadable) => (record, unreadable) switch
    {
        (_, { } why) => $"the close record of {mark.Month} cannot be read: {why}; once it is repaired, the next close bills it",
        (null, _) => $"{mark.Month} was never closed: closing it (?force=true once it is older than Billing:Invoicing:MaxCloseAge) bills it on its own invoice",
        ({ } r, _) when !r.Closed(mark.Payer) => $"{mark.Payer} failed in the close of {mark.Month} ({r.FailedPayers[mark.Payer]}): closing {mark.Month} again once that is fixed bills it on its own invoice",
        _ => null,
    };

    /// <summary>The close records read so far, by month: many marks of one month read its record once.</summary>
    private sealed class CloseRecords(InvoiceStore invoices)
    {
        private readonly Dictionary<BillingPeriod, (PeriodCloseRecord? Record, string? Unreadable)> read = [];

        public async Task<(PeriodCloseRecord? Record, string? Unreadable)> GetAsync(BillingPeriod month, CancellationToken cancellationToken)
        {
            if (!read.TryGetValue(month, out var close))
            {
                try
                {
                    close = ((await invoices.GetCloseAsync(month, cancellationToken).ConfigureAwait(false))?.Record, null);
                }
                catch (InvalidDataException ex)
                {
                    close = (null, ex.Message);
                }

                read[month] = close;
            }

            return close;
        }
    }
}
