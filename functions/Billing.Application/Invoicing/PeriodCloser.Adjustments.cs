namespace Billing.Application.Invoicing;

public sealed partial class PeriodCloser
{
    /// <summary>An adjustment naming month m may sit on any later invoice (a late month is settled by whichever close comes next).</summary>
    private static readonly BillingPeriod LastPeriod = new(9998, 12);

    /// <summary>
    /// For each earlier month closed for the payer, of the routine window (<see cref="Adjustments.RoutineLookback"/> months)
    /// or marked late (<paramref name="late"/>: usage metered after the window's last close, however long ago): recomputed −
    /// billed to date, when not zero. Then, when later invoices already adjusted <paramref name="period"/> itself, a line
    /// taking that off. Also returns the marks settled, which the caller clears once the result is stored.
    /// </summary>
    private async Task<(IReadOnlyList<InvoiceLine> Lines, IReadOnlyList<LateUsageMark> Settled)> AdjustmentsAsync(
        Partner partner, PricePlan plan, BillingPeriod period, IEnumerable<LateUsageMark> late, CancellationToken cancellationToken)
    {
        string payer = partner.Id;
        var marks = late.Where(m => m.Month < period).ToLookup(m => m.Month);
        var months = new SortedSet<BillingPeriod>(marks.Select(m => m.Key)); // oldest first
        months.UnionWith(Adjustments.RoutineMonths(period));

        // Every later invoice, not only the window's: closes come in any order, and a late month's adjustment sits on
        // whichever invoice was made next, so only all of them hold everything billed for these months (and this one).
        var billedInvoices = (await invoices.ListForPayerAsync(payer, months.Count > 0 ? months.Min : period, LastPeriod, cancellationToken).ConfigureAwait(false))
            .Where(i => i.Status != InvoiceStatus.Void).ToList();
        var lines = new List<InvoiceLine>();
        var settled = new List<LateUsageMark>();
        foreach (var month in months)
        {
            var own = billedInvoices.Where(i => i.Period == month).ToList();
            if (own.Count == 0 && !await ClosedForAsync(payer, month, cancellationToken).ConfigureAwait(false))
            {
                continue; // not closed for this payer yet (or it failed there, or its record cannot be read): billed later
            }

            settled.AddRange(marks[month]);
            var monthPlan = own.Count > 0 && plans.TryGet(own[0].PlanId, out var invoicedPlan) ? invoicedPlan : plans.Get(partner.PlanFor(month)!);
            var usage = await AccumulateAsync(monthPlan, payer, month, cancellationToken).ConfigureAwait(false);
            var billed = Money.Sum(own.Select(i => i.PeriodCharges), monthPlan.Currency)
                + BilledByAdjustments(billedInvoices, month, monthPlan.Currency);
            if (own.Count == 0 && usage.GroupCount == 0 && billed.IsZero)
            {
                continue; // closed with nothing to bill and still nothing: no minimum for a month without usage or invoice
            }

            var amount = RatingEngine.Rate(monthPlan, payer, month, usage).Total - billed;
            if (!amount.IsZero)
            {
                lines.Add(Adjustments.Line(month, amount));
                if (marks[month].Any())
                {
                    LogLateSettled(logger, month.ToString(), payer, period.ToString(), amount, monthPlan.Currency.Code);
                }
            }
        }

        // The month has no invoice of its own yet, but later invoices adjusted it: it was closed for the payer with nothing
        // to bill, its late usage was billed on them, then its close record went (deleted when it could not be read, say)
        // and it is closed again. This invoice rates the whole month, so it takes off what those lines billed: the month is
        // billed once, and what was billed for it (its charges plus every line naming it) is its rate, where corrections start.
        if (BilledByAdjustments(billedInvoices, period, plan.Currency) is { IsZero: false } billedLater)
        {
            lines.Add(Adjustments.Line(period, -billedLater));
            LogBilledLater(logger, period.ToString(), payer, billedLater, plan.Currency.Code);
        }

        return (lines, settled);
    }

    /// <summary>What the adjustment lines naming <paramref name="month"/> on <paramref name="billedInvoices"/> billed for it.</summary>
    private static Money BilledByAdjustments(IEnumerable<Invoice> billedInvoices, BillingPeriod month, Currency currency) =>
        Money.Sum(billedInvoices.SelectMany(i => i.Lines).Where(l => l.AdjustedPeriod == month).Select(l => l.Amount), currency);

    /// <summary>
    /// True when the month is closed for the payer though it has no invoice of it: the month's close record exists and the
    /// payer did not fail in it. A record changed outside the platform tells nothing, so nothing is billed for the month on a
    /// guess; the month is marked late instead, so the first close after the row is repaired settles it, however late.
    /// </summary>
    private async Task<bool> ClosedForAsync(string payer, BillingPeriod month, CancellationToken cancellationToken)
    {
        try
        {
            return await invoices.GetCloseAsync(month, cancellationToken).ConfigureAwait(false) is { } c && c.Record.Closed(payer);
        }
        catch (InvalidDataException ex)
        {
            LogCloseRecordUnreadable(logger, month.ToString(), payer, ex.Message);
            await facts.LateUsage.MarkAsync([(payer, month)], time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>Clears the late marks a stored invoice (or a close with nothing to bill) settled; one metered late again since stays.</summary>
    private async Task ClearSettledAsync(IReadOnlyList<LateUsageMark> settled, CancellationToken cancellationToken)
    {
        foreach (var mark in settled)
        {
            await facts.LateUsage.ClearAsync(mark, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Usage of {Month} metered after its routine corrections is billed to {Payer} on the {Period} invoice: {Amount} {Currency}")]
    private static partial void LogLateSettled(ILogger logger, string month, string payer, string period, Money amount, string currency);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Period} is closed again for {Payer} after later invoices adjusted it by {Amount} {Currency}: its invoice takes that off, so the month is billed once")]
    private static partial void LogBilledLater(ILogger logger, string period, string payer, Money amount, string currency);

    [LoggerMessage(Level = LogLevel.Error, Message = "The close record of {Month} cannot be read, so no late usage of it is billed to {Payer} now (the first close after it is repaired bills it): {Reason}")]
    private static partial void LogCloseRecordUnreadable(ILogger logger, string month, string payer, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A late-usage mark cannot be read and is left alone: {Row}: {Reason}")]
    private static partial void LogLateMarkUnreadable(ILogger logger, string row, string reason);
}
