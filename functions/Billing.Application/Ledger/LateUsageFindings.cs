using Billing.Application.Invoicing;

namespace Billing.Application.Ledger;

/// <summary>
/// Reconcile's findings of late usage: usage metered after the closes that correct its month routinely is marked
/// (<see cref="LateUsageStore"/>), and the next close of a later month bills it as an adjustment and clears the mark
/// (<see cref="Invoicing.PeriodCloser"/>). A mark that a close will settle without anyone acting is <c>LateUsagePending</c>,
/// listed apart from the mismatches: the books are right, the invoice that bills it is simply not made yet. That includes a
/// month never closed that the <c>ClosePeriods</c> timer still closes (it closes the previous month and the two before it
/// when they have no close record), which bills the usage on the month's own invoice. A mark no close settles as things
/// stand is a mismatch naming what stops it, since its money is never billed otherwise: <c>LateUsageWithoutPayer</c> (no
/// partner of that id, one a close does not invoice, or a partner row that cannot be read), <c>LateUsageMonthNotClosed</c>
/// (the month was never closed for the payer and the timer no longer closes it, the payer failed in its close, or its close
/// record cannot be read: a close adjusts only months already closed for the payer), <c>LateUsageCloseFailed</c> (the
/// payer failed in the latest close: a close fails a payer only for what it takes to repeat on every retry, so the next
/// close is expected to fail it too, until finance fixes the cause). A mark row that cannot be read is <c>LateUsageMarkUnreadable</c>.
/// Cost: one query of the small <c>late</c> partition and, only when there are marks, the partner registry, the close
/// partition's row keys and one close record per month marked (plus the latest), each read once; then, only for the mismatches
/// that compare the invoices scan with the close records, at most three reads of what they are decided from (<see cref="ConfirmAsync"/>).
/// </summary>
internal static partial class LateUsageFindings
{
    /// <summary>
    /// The mismatches a close or metering in flight can explain: they compare the invoices scan with close records read later
    /// (<see cref="ConfirmAsync"/>). Not <c>LateUsageWithoutPayer</c>: the registry is read after the marks, and a mark's payer
    /// was registered before the mark was written (metering meters only a partner it knows, a close marks only a payer it read)
    /// and is never removed; nor <c>LateUsageMarkUnreadable</c>: no writer of the platform leaves such a row.
    /// </summary>
    private static readonly HashSet<string> ReadAgain = new(StringComparer.Ordinal) { "LateUsageMonthNotClosed", "LateUsageCloseFailed" };

    /// <summary>
    /// What the scans find: pending marks and mismatches, each decided finding with its mark (an unreadable one has none), to be
    /// confirmed by <see cref="ConfirmAsync"/> once the scans are done.
    /// </summary>
    public sealed record Scan(List<AuditProblem> Pending, List<AuditProblem> Mismatches, Dictionary<AuditProblem, LateUsageMark> MarkOf);

    public static async Task<Scan> ListAsync(
        LateUsageStore late, PartnerStore partners, InvoiceStore invoices, IReadOnlyList<Invoice> allInvoices, DateTimeOffset now, InvoicingOptions invoicing, CancellationToken cancellationToken)
    {
        var marks = await late.ListAsync(cancellationToken).ConfigureAwait(false);
        var scan = new Scan([], [], new(ReferenceEqualityComparer.Instance));
        scan.Mismatches.AddRange(marks.Unreadable
            .Select(bad => new AuditProblem("LateUsageMarkUnreadable", bad.Id, $"facts table: {bad.Reason}; closes leave it alone, so the late usage of its month and payer (its row key) is not billed until it is repaired")));
        if (marks.Items.Count == 0)
        {
            return scan;
        }

        var registry = await partners.ListAsync(cancellationToken).ConfigureAwait(false);
        // The readable rows' ids are distinct (the store lists a row under a key its id does not escape to apart, by that key),
        // but an unreadable row named by its raw key may spell another's id: the first is kept, the report made all the same.
        var known = registry.Items.ToDictionary(p => p.Id, StringComparer.Ordinal);
        var unreadablePartners = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var u in registry.Unreadable)
        {
            unreadablePartners.TryAdd(u.Id, u.Reason);
        }

        var invoiced = allInvoices.Where(i => i.Status != InvoiceStatus.Void).Select(i => (i.Payer, i.Period)).ToHashSet();
        var records = new CloseRecords(invoices);
        var latest = await LatestAsync(invoices, records, cancellationToken).ConfigureAwait(false);
        foreach (var mark in marks.Items.OrderBy(m => m.Payer, StringComparer.Ordinal).ThenBy(m => m.Month))
        {
            string? withoutPayer = known.TryGetValue(mark.Payer, out var partner)
                ? partner.IsInvoiced ? null : $"{mark.Payer} is not a payer a close invoices (role {Partners.PartnerRules.Name(partner.Role)}{(partner.IsPayer ? ", no price plan" : "")})"
                : unreadablePartners.TryGetValue(mark.Payer, out var reason) ? $"the partner row of {mark.Payer} cannot be read: {reason}" : $"no partner {mark.Payer} is registered";
            var (finding, pending) = withoutPayer is not null
                ? (new AuditProblem("LateUsageWithoutPayer", Subject(mark), $"{Usage(mark)}; no close bills it: {withoutPayer}"), false)
                : await DecideAsync(mark, invoiced.Contains((mark.Payer, mark.Month)), records, latest, now, invoicing, cancellationToken).ConfigureAwait(false);
            (pending ? scan.Pending : scan.Mismatches).Add(finding);
            scan.MarkOf[finding] = mark;
        }

        return scan;
    }

    private static string Subject(LateUsageMark mark) => $"{mark.Payer} {mark.Month}";

    private static string Usage(LateUsageMark mark) =>
        string.Create(CultureInfo.InvariantCulture, $"usage of {mark.Month} metered after the closes that correct it routinely (first metered late at {mark.FirstMeteredAt:u}, last at {mark.MeteredAt:u})");

    /// <summary>
    /// What a mark of a payer closes invoice is, as a close decides it: pending (true), or the mismatch naming what stops it.
    /// <paramref name="invoiced"/>: the payer has an invoice of the month that is not void, so it is closed for it.
    /// </summary>
    private static async Task<(AuditProblem Finding, bool Pending)> DecideAsync(
        LateUsageMark mark, bool invoiced, CloseRecords records, Latest latest, DateTimeOffset now, InvoicingOptions invoicing, CancellationToken cancellationToken)
    {
        string subject = Subject(mark);
        string usage = Usage(mark);
        string billedBy = $"the next close of a later month not yet closed for {mark.Payer} bills it as an adjustment";
        if (!invoiced)
        {
            var (record, unreadable) = await records.GetAsync(mark.Month, cancellationToken).ConfigureAwait(false);
            if (NotClosed(mark, record, unreadable, now, invoicing) is { } notClosed)
            {
                return (new("LateUsageMonthNotClosed", subject, $"{usage}; a close adjusts only months closed for the payer, and {notClosed}"), false);
            }

            if (record is null)
            {
                billedBy = string.Create(CultureInfo.InvariantCulture, $"{mark.Month} is not closed yet, and the ClosePeriods timer closes it before {TimerDeadline(mark.Month, invoicing):u} (it closes the previous month once Billing:Invoicing:CloseGrace has passed, and the two before it while they have no close record), which bills it on the month's own invoice");
            }
        }

        if (latest.Record is { } last && !last.Closed(mark.Payer))
        {
            return (new("LateUsageCloseFailed", subject,
                $"{usage}; {mark.Payer} failed in the latest close, of {latest.Month} ({last.FailedPayers[mark.Payer]}): a close fails a payer only for what repeats on every retry, so no close bills it until that is fixed; then close {latest.Month} again (it retries the payers that failed in it)"), false);
        }

        return (new("LateUsagePending", subject, $"{usage}; {billedBy}"), true);
    }

    /// <summary>The latest month with a close record and that record (null when none, or it cannot be read: <see cref="Latest.Unreadable"/>).</summary>
    private readonly record struct Latest(BillingPeriod Month, PeriodCloseRecord? Record, string? Unreadable);

    private static async Task<Latest> LatestAsync(InvoiceStore invoices, CloseRecords records, CancellationToken cancellationToken)
    {
        if (await invoices.LatestClosedAsync(cancellationToken).ConfigureAwait(false) is not { } month)
        {
            return default;
        }

        var (record, unreadable) = await records.GetAsync(month, cancellationToken).ConfigureAwait(false);
        return new(month, record, unreadable);
    }

    /// <summary>
    /// Why the mark's month is not closed for its payer (as a close decides it) and will not be without someone acting, or
    /// null when it is closed, or not closed yet but still within the timer's reach (<paramref name="record"/> null then).
    /// </summary>
    private static string? NotClosed(LateUsageMark mark, PeriodCloseRecord? record, string? unreadable, DateTimeOffset now, InvoicingOptions invoicing) => (record, unreadable) switch
    {
        (_, { } why) => $"the close record of {mark.Month} cannot be read: {why}; once it is repaired, the next close bills it",
        (null, _) when TimerCloses(mark.Month, now, invoicing) => null,
        (null, _) => $"{mark.Month} was never closed, and the ClosePeriods timer no longer closes it: closing it (?force=true once it is older than Billing:Invoicing:MaxCloseAge) bills it on its own invoice",
        ({ } r, _) when !r.Closed(mark.Payer) => $"{mark.Payer} failed in the close of {mark.Month} ({r.FailedPayers[mark.Payer]}): closing {mark.Month} again once that is fixed bills it on its own invoice",
        _ => null,
    };

    /// <summary>
    /// True when a run of the <c>ClosePeriods</c> timer from <paramref name="now"/> on still closes <paramref name="month"/>,
    /// which has no close record: a run on day d closes the month before d's once CloseGrace has passed, and the two before
    /// that while they have no record, each only within MaxCloseAge of its end (<see cref="TimerDeadline"/>).
    /// </summary>
    private static bool TimerCloses(BillingPeriod month, DateTimeOffset now, InvoicingOptions invoicing)
    {
        var firstRun = BillingPeriod.Containing(now).Start + invoicing.CloseGrace; // runs before it in this month wait
        return (now > firstRun ? now : firstRun) < TimerDeadline(month, invoicing);
    }

    /// <summary>The end of the last month whose timer runs still close <paramref name="month"/>, or MaxCloseAge after it ends if sooner.</summary>
    private static DateTimeOffset TimerDeadline(BillingPeriod month, InvoicingOptions invoicing)
    {
        var lastRunMonth = month.Next.Next.Next;
        var tooOld = month.End + invoicing.MaxCloseAge;
        return lastRunMonth.End < tooOld ? lastRunMonth.End : tooOld;
    }

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
