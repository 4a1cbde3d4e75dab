namespace Billing.Domain.Invoicing;

/// <summary>
/// Prior-period adjustments. Usage facts may arrive up to <see cref="LateUsageWindow"/> after they happened; when they
/// belong to a period whose invoice is already finalized, that period is re-rated and the difference is billed as a line
/// (meter <c>prior-period-adjustment</c>, description <c>Adjustment for yyyy-MM</c>, group <c>{"period":"yyyy-MM"}</c>)
/// on the payer's next invoice. The amount may be negative.
/// </summary>
public static class Adjustments
{
    /// <summary>Oldest a usage fact may be when it arrives.</summary>
    public static readonly TimeSpan LateUsageWindow = TimeSpan.FromDays(35);

    /// <summary>
    /// How many earlier months every close corrects routinely: a fact of month m arriving within <see cref="LateUsageWindow"/>
    /// is metered, unless metering runs behind, before month m + 2 ends, so the closes of m + 1 and m + 2 see it.
    /// </summary>
    public const int RoutineLookback = 2;

    /// <summary>The earlier months a close of <paramref name="period"/> corrects routinely (<see cref="RoutineLookback"/>), latest first.</summary>
    public static IReadOnlyList<BillingPeriod> RoutineMonths(BillingPeriod period)
    {
        var months = new List<BillingPeriod>(RoutineLookback);
        for (var month = period; months.Count < RoutineLookback && month > default(BillingPeriod);)
        {
            month = month.Previous;
            months.Add(month);
        }

        return months;
    }

    /// <summary>
    /// Added before the end of the last routine close's month: closes and metering run on different hosts, whose clocks may
    /// differ, and a month marked late that did not need it only costs one more re-rating.
    /// </summary>
    public static readonly TimeSpan ClockAllowance = TimeSpan.FromDays(1);

    /// <summary>
    /// True when a fact of <paramref name="month"/> metered at <paramref name="meteredAt"/> may come after the last close
    /// that corrects <paramref name="month"/> routinely (the close of month + <see cref="RoutineLookback"/>, which cannot
    /// start before that month ends): metering then records the month as late, and the next close settles it however old.
    /// </summary>
    public static bool IsPastRoutineWindow(BillingPeriod month, DateTimeOffset meteredAt) =>
        month.Start < RoutineWindowStart(meteredAt);

    /// <summary>
    /// The start of the oldest month whose routine closes may still come after <paramref name="meteredAt"/>: a fact before it
    /// is past its routine window (<see cref="IsPastRoutineWindow"/>). One bound for a whole batch, one comparison a fact.
    /// </summary>
    public static DateTimeOffset RoutineWindowStart(DateTimeOffset meteredAt)
    {
        // Month m is past once the close of m + RoutineLookback can start (m + RoutineLookback + 1 begins), less the allowance.
        var month = BillingPeriod.Containing(meteredAt + ClockAllowance);
        for (int i = 0; i < RoutineLookback; i++)
        {
            month = month.Previous;
        }

        return month.Start;
    }

    /// <summary>
    /// The adjustment for <paramref name="invoiced"/>'s period, or null when nothing changed.
    /// Amount = <paramref name="recomputed"/>.PeriodCharges − <paramref name="invoiced"/>.PeriodCharges − adjustments for the
    /// same period already carried on <paramref name="laterInvoices"/> (non-void invoices of the same payer).
    /// <see cref="Invoice.PeriodCharges"/> excludes the invoices' own prior-period lines, so an adjustment is never counted twice.
    /// </summary>
    /// <param name="invoiced">The finalized (or paid) invoice of the old period.</param>
    /// <param name="recomputed">That period re-rated with all usage known now (normally a draft without extra lines).</param>
    /// <param name="laterInvoices">Invoices issued after it that may already carry adjustments for the same period.</param>
    public static InvoiceLine? For(Invoice invoiced, Invoice recomputed, IEnumerable<Invoice>? laterInvoices = null)
    {
        ArgumentNullException.ThrowIfNull(invoiced);
        ArgumentNullException.ThrowIfNull(recomputed);
        if (invoiced.Status is not (InvoiceStatus.Finalized or InvoiceStatus.PartiallyPaid or InvoiceStatus.Paid))
        {
            throw new ArgumentException($"Invoice {invoiced.Id} is {invoiced.Status}; only finalized or paid invoices are adjusted.", nameof(invoiced));
        }

        if (recomputed.Payer != invoiced.Payer || recomputed.Period != invoiced.Period)
        {
            throw new ArgumentException(
                $"Recomputed invoice {recomputed.Id} is not for the same payer and period as {invoiced.Id}.", nameof(recomputed));
        }

        Money amount = recomputed.PeriodCharges - invoiced.PeriodCharges; // throws on a currency change
        foreach (Invoice later in laterInvoices ?? [])
        {
            if (later.Payer != invoiced.Payer || later.Status == InvoiceStatus.Void)
            {
                continue;
            }

            foreach (InvoiceLine line in later.Lines)
            {
                if (line.AdjustedPeriod == invoiced.Period)
                {
                    amount -= line.Amount;
                }
            }
        }

        return amount.IsZero ? null : Line(invoiced.Period, amount);
    }

    /// <summary>An adjustment line for <paramref name="period"/> of <paramref name="amount"/>.</summary>
    public static InvoiceLine Line(BillingPeriod period, Money amount) =>
        new(
            InvoiceLine.PriorPeriodAdjustmentMeter,
            $"Adjustment for {period}",
            new Dictionary<string, string> { ["period"] = period.ToString() },
            1m,
            null,
            amount.ToDecimal(),
            amount);

    /// <summary>True when a fact that happened at <paramref name="occurredAt"/> is still accepted at <paramref name="now"/>.</summary>
    public static bool IsWithinLateWindow(DateTimeOffset occurredAt, DateTimeOffset now) => now - occurredAt <= LateUsageWindow;
}
