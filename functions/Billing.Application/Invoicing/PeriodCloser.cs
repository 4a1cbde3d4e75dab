using Billing.Application.Resilience;

namespace Billing.Application.Invoicing;

/// <summary>
/// Closes a billing period: for every payer with usage or a minimum, rates the facts of <c>[start, end)</c>, adds
/// prior-period adjustments for late facts, finalizes and stores the invoice. Deterministic and idempotent: invoice ids
/// are derived from payer and period, and an invoice already stored is returned as it is.
/// <para>
/// Corrections are billed exactly once whatever the order of closes: what was billed for a usage month is derived from
/// the invoices themselves (that month's own charges plus every adjustment line naming it), never from a counter that
/// could drift from them, and each close bills recomputed − billed for the two earlier months (the routine window) and for
/// every earlier month marked late (usage metered after the window's last close: <see cref="LateUsageStore"/>), so usage
/// however late is billed by the next close. A month counts as closed for a payer when the payer has its invoice, or when
/// the month's close record exists and the payer did not fail in it; a month that is not closed yet is billed by its own
/// close, never as an adjustment. A month closed again after its record went (a payer with no invoice of it is decided
/// anew) gets an invoice that takes off what later invoices already adjusted for it, so it is billed once.
/// Closes hold one lease, renewed all along and checked before each invoice is stored, so two never bill the same correction.
/// </para>
/// </summary>
public sealed partial class PeriodCloser(
    FactStore facts,
    InvoiceStore invoices,
    PartnerStore partners,
    PlanCatalog plans,
    InvoiceFinalization finalization,
    TimeProvider time,
    IOptions<InvoicingOptions> options,
    ILogger<PeriodCloser> logger,
    MeterCatalog? meters = null)
{
    private readonly MeterCatalog meters = meters ?? MeterCatalog.BuiltIn;

    private readonly UsageReader usage = new(facts, logger);

    /// <summary>Closes <paramref name="period"/>; <paramref name="force"/> lifts the age and first-usage rules (finance only).</summary>
    public async Task<PeriodCloseResult> CloseAsync(BillingPeriod period, bool force, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (!period.HasEnded(now))
        {
            throw new PeriodNotEndedException(period, period.End);
        }

        await using var lease = new CloseLease(invoices, Guid.NewGuid().ToString("N"), options.Value.CloseLeaseDuration, time, logger);
        var giveUp = now + options.Value.CloseLeaseWait;
        while (!await lease.TryRenewAsync(cancellationToken).ConfigureAwait(false))
        {
            if (time.GetUtcNow() >= giveUp)
            {
                throw new CloseInProgressException();
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken).ConfigureAwait(false); // the other close usually ends soon
        }

        lease.StartRenewing(); // a slow payer must not let it lapse: another close would take it and bill the same corrections
        try
        {
            return await CloseLeasedAsync(period, force, lease, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await lease.StopRenewingAsync().ConfigureAwait(false); // before the release, which a renewal would undo
            await invoices.ReleaseCloseLeaseAsync(lease.Owner, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task<PeriodCloseResult> CloseLeasedAsync(BillingPeriod period, bool force, CloseLease lease, CancellationToken cancellationToken)
    {
        var registry = await partners.ListAsync(cancellationToken).ConfigureAwait(false);
        var payers = registry.Items.Where(p => p.IsInvoiced).ToList();
        (PeriodCloseRecord Record, Azure.ETag ETag)? record;
        try
        {
            record = await invoices.GetCloseAsync(period, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            throw new CloseRecordUnreadableException(period, ex); // told apart from any other row the close cannot read
        }
        if (record is null && !force)
        {
            await EnsureClosableAsync(period, payers, cancellationToken).ConfigureAwait(false);
        }

        // A closed period is closed: a repeat returns its invoices and retries only the payers that failed in it.
        var toClose = record is { } r ? payers.Where(p => !r.Record.Closed(p.Id)).ToList() : payers;

        // Read before any usage, so a fact metered late during this close marks its month again after this read (a new ETag)
        // and the mark outlives the clearing of what this close settled.
        var marks = await facts.LateUsage.ListAsync(cancellationToken).ConfigureAwait(false);
        foreach (var bad in marks.Unreadable)
        {
            LogLateMarkUnreadable(logger, bad.Id, bad.Reason);
        }

        var late = marks.Items.ToLookup(m => m.Payer, StringComparer.Ordinal);
        var handled = new ConcurrentDictionary<string, Invoice>(StringComparer.Ordinal);
        var failed = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);

        // A partner row that cannot be read may be a payer's: it fails alone, so the month does not count as closed for it
        // (its usage is billed by the first close after the row is mended), and everyone else is invoiced. A month already
        // closed for it stays closed: a repeat close has nothing to do for it either way.
        foreach (var bad in registry.Unreadable.Where(u => record is not { } done || !done.Record.Closed(u.Id)))
        {
            failed[bad.Id] = bad.Reason;
            LogPayerFailed(logger, period.ToString(), bad.Id, bad.Reason);
        }

        var rowless = await FailRowlessAsync(registry, record?.Record, period, late, failed, cancellationToken).ConfigureAwait(false);

        // A payer id no invoice id or ledger account can hold (seeded before settings refused it) fails that payer alone,
        // before an invoice that could never be booked is stored.
        foreach (var payer in toClose)
        {
            if (PayerIds.Problem(payer.Id) is { } problem)
            {
                failed[payer.Id] = $"the partner id names its invoices and ledger accounts, so it {problem}; rename the partner";
                LogPayerFailed(logger, period.ToString(), payer.Id, failed[payer.Id]);
            }
        }

        await Parallel.ForEachAsync(toClose.Where(p => !failed.ContainsKey(p.Id)), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (payer, ct) =>
        {
            try
            {
                if (await CloseForPayerAsync(payer, period, late[payer.Id], lease, ct).ConfigureAwait(false) is { } invoice)
                {
                    handled[invoice.Id.ToString()] = invoice;
                }
            }
            catch (Exception ex) when (IsDeterministic(ex))
            {
                // One payer's bad data (e.g. an amount beyond the range of money) must not stop everyone else's invoice.
                failed[payer.Id] = ex.Message;
                LogPayerFailed(logger, period.ToString(), payer.Id, ex.Message);
            }
        }).ConfigureAwait(false);

        // Invoices of earlier runs: their handlers run again (idempotent) to finish a close that stopped half-way.
        var closed = new List<Invoice>();
        var stored = await invoices.ListAsync(period, null, cancellationToken).ConfigureAwait(false);
        foreach (var invoice in stored.Items)
        {
            if (handled.TryGetValue(invoice.Id.ToString(), out var done))
            {
                closed.Add(done);
                continue;
            }

            if (failed.ContainsKey(invoice.Payer))
            {
                continue; // stored, then its handlers failed a moment ago (e.g. a ledger it cannot be booked in): reported, retried by the next close
            }

            try
            {
                closed.Add(await RunHandlersAsync(invoice, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception ex) when (IsDeterministic(ex))
            {
                failed[invoice.Payer] = ex.Message;
                LogPayerFailed(logger, period.ToString(), invoice.Payer, ex.Message);
            }
        }

        // An invoice row changed outside the platform is left alone (its payer, when it is one, failed above reading it).
        foreach (var bad in stored.Unreadable)
        {
            LogInvoiceUnreadable(logger, period.ToString(), bad.Id, bad.Reason);
        }

        // The record states each payer's latest outcome: this close's for every payer it tried (a payer that succeeds now
        // is no longer failed) or found to owe nothing without a row, the earlier failure for one it did not try again (no
        // longer a payer: never closed), unless its trail makes it no payer then either (a provider failed for its missing
        // or unreadable row, now restored: it never had anything to bill).
        var failures = new SortedDictionary<string, string>(failed, StringComparer.Ordinal);
        if (record is { } earlier)
        {
            var tried = new HashSet<string>(toClose.Select(p => p.Id), StringComparer.Ordinal);
            tried.UnionWith(registry.Unreadable.Select(u => u.Id));
            tried.UnionWith(stored.Items.Select(i => i.Payer));
            tried.UnionWith(rowless);
            foreach (var (payer, reason) in earlier.Record.FailedPayers.Where(f => !tried.Contains(f.Key)))
            {
                if (registry.Items.FirstOrDefault(p => p.Id == payer) is { } partner && await NeverInvoicedAsync(partner, period, late, cancellationToken).ConfigureAwait(false))
                {
                    LogEarlierFailureMoot(logger, period, payer);
                    continue;
                }

                failures[payer] = reason;
            }
        }

        // Written last: once it exists, every payer without an invoice is known to have had nothing to bill.
        if (record is null || !SameFailures(record.Value.Record.FailedPayers, failures))
        {
            var next = new PeriodCloseRecord(period, record?.Record.ClosedAt ?? time.GetUtcNow(), failures);
            if (!await invoices.TrySaveCloseAsync(next, record?.ETag, cancellationToken).ConfigureAwait(false))
            {
                throw new CloseInProgressException();
            }
        }

        closed.Sort((a, b) => string.CompareOrdinal(a.Id.ToString(), b.Id.ToString()));
        LogClosed(logger, period, closed.Count, failures.Count);
        return new PeriodCloseResult(period, closed, failures);
    }

    private static bool SameFailures(IReadOnlyDictionary<string, string> stored, SortedDictionary<string, string> now) =>
        stored.Count == now.Count && now.All(f => stored.TryGetValue(f.Key, out var reason) && reason == f.Value);

    /// <summary>Refuses a period that ended too long ago, or before any usage fact of the deployment.</summary>
    private async Task EnsureClosableAsync(BillingPeriod period, IReadOnlyList<Partner> payers, CancellationToken cancellationToken)
    {
        var maxAge = options.Value.MaxCloseAge;
        if (time.GetUtcNow() - period.End > maxAge)
        {
            throw new PeriodRefusedException(period, $"it ended more than {maxAge.TotalDays:0} days ago (Billing:Invoicing:MaxCloseAge)");
        }

        foreach (var payer in payers)
        {
            if (await facts.Rollups.AnyMonthBeforeAsync(payer.Id, period.End, cancellationToken).ConfigureAwait(false))
            {
                return; // a month bucket exists only once a fact of it was written
            }
        }

        throw new PeriodRefusedException(period, "it ended before the deployment's first usage");
    }

    /// <summary>
    /// A failure that would repeat on every retry, so it fails that payer alone (reported in the close record, retried by
    /// the next close) instead of the whole close: bad data, the ledger refusing the payer's entry (an entry its rules
    /// refuse, its id booked otherwise, a book changed outside the platform: docs/design.md decision 8), or Stripe refusing
    /// the payer's request (e.g. its customer was deleted in the Dashboard). A transient one (Stripe or storage unreachable,
    /// <see cref="LedgerContentionException"/>: writers racing for the book's head) escapes: the whole close is retried.
    /// </summary>
    private static bool IsDeterministic(Exception ex) =>
        ex is OverflowException or UnpricedUsageException or CurrencyMismatchException or KeyNotFoundException or JsonException or InvalidDataException
            or LedgerValidationException or LedgerConflictException
        || ex is Stripe.StripeException && !TransientFailures.IsTransient(ex);

    private async Task<Invoice?> CloseForPayerAsync(Partner payer, BillingPeriod period, IEnumerable<LateUsageMark> late, CloseLease lease, CancellationToken cancellationToken)
    {
        var id = new InvoiceId(payer.Id, period);
        if (await invoices.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return await RunHandlersAsync(existing, cancellationToken).ConfigureAwait(false); // finish a close that stopped half-way
        }

        var plan = plans.Get(payer.PlanFor(period)!); // the plan in force for this period, not a later one
        var usage = await AccumulateAsync(plan, payer.Id, period, cancellationToken).ConfigureAwait(false);
        var (adjustments, earlierSettled) = await AdjustmentsAsync(payer, plan, period, late, cancellationToken).ConfigureAwait(false);

        // The period's own invoice rates every fact metered before the marks were read, so a mark of this very month (a
        // payer closed for it at last) is settled too; left, reconcile would call it pending until a later close billed 0.
        IReadOnlyList<LateUsageMark> settled = [.. earlierSettled, .. late.Where(m => m.Month == period)];
        var draft = RatingEngine.Rate(plan, payer.Id, period, usage, adjustments);
        if (draft.Lines.Count == 0)
        {
            await ClearSettledAsync(settled, cancellationToken).ConfigureAwait(false);
            return null; // no usage, no minimum, nothing late: no invoice
        }

        // Held right up to the store: had it lapsed (its renewals failing: storage unreachable), another close may have
        // taken it and billed these corrections too, so this payer is abandoned with the whole close (409, retried later).
        if (!await lease.TryRenewAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new CloseInProgressException();
        }

        var (stored, created) = await invoices.AddOrGetAsync(draft.Finalize(), cancellationToken).ConfigureAwait(false);
        if (created)
        {
            LogFinalized(logger, stored.Id, stored.Total, stored.Currency.Code);
            await ClearSettledAsync(settled, cancellationToken).ConfigureAwait(false); // not for an invoice made before: it may lack them
        }

        return await RunHandlersAsync(stored, cancellationToken).ConfigureAwait(false);
    }

    private Task<Invoice> RunHandlersAsync(Invoice invoice, CancellationToken cancellationToken) =>
        finalization.RunAsync(invoice, cancellationToken);

    /// <summary>
    /// The payer's usage of the period by the plan's priced groups, from the month rollups (docs/design.md §6): the same
    /// exact 128-bit sums a scan of the facts gives, so invoices do not change; memory is bounded by groups, not facts.
    /// </summary>
    public async Task<UsageAccumulator> AccumulateAsync(PricePlan plan, string payer, BillingPeriod period, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var accumulator = new UsageAccumulator(plan);
        foreach (var pricing in plan.Meters)
        {
            if (meters.Find(pricing.Meter) is not { } meter)
            {
                continue; // a meter no fact can have
            }

            string[] groupBy = pricing.Dimension is { } d ? [d] : [];
            foreach (var row in await usage.ReadAsync(payer, meter, UsageWindow.Month, period.Start, period.End, groupBy, null, cancellationToken).ConfigureAwait(false))
            {
                string? value = groupBy.Length == 1 && row.Group[groupBy[0]] is { Length: > 0 } v ? v : null;
                accumulator.AddSum(pricing.Meter, value, row.Quantity);
            }
        }

        return accumulator;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Invoice {InvoiceId} finalized: {Total} {Currency}")]
    private static partial void LogFinalized(ILogger logger, InvoiceId invoiceId, Money total, string currency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Period {Period} closed: {Count} invoice(s), {Failed} payer(s) failed")]
    private static partial void LogClosed(ILogger logger, BillingPeriod period, int count, int failed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Period {Period}: invoice {InvoiceId} cannot be read and is left out of the close: {Reason}")]
    private static partial void LogInvoiceUnreadable(ILogger logger, string period, string invoiceId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Period {Period}: the invoice of {Payer} could not be made and is retried by the next close of the period: {Reason}")]
    private static partial void LogPayerFailed(ILogger logger, string period, string payer, string reason);
}
