namespace Billing.Application.Invoicing;

/// <summary>Partners missing from the registry (their row removed outside the platform) that may owe something for the period.</summary>
public sealed partial class PeriodCloser
{
    private const string RowMissing = "its partner row is missing (removed outside the platform) while its audit trail remains: restore the row, and the first close after bills it";

    private const string Appeared = "its partner row was missing when this close read the registry and came back while it ran (restored, say): the next close bills it";

    private const string NoRowNoTrail = "no partner row and no audit trail: its plan is unknown, so nothing is billed on a guess; restore its partner row and audit trail "
        + "from a backup (partners verify lists a payer its invoices pin), and the first close after bills it";

    /// <summary>
    /// Fails alone, so the month does not count as closed for it and the first close after its row is restored bills it,
    /// every partner missing from the registry that may owe something for <paramref name="period"/>; passed over, its usage
    /// would go unbilled unnoticed:
    /// <list type="bullet">
    /// <item>one with an audit trail that, replayed, makes it invoiced (a payer with a plan) at some time since the earliest
    /// month this close bills (the routine window), or that cannot be replayed (its role is unknown), or with late usage. One
    /// the trail makes no payer then (a provider, finance) owes nothing: it is logged (partners verify reports the row missing);</item>
    /// <item>a payer in no row and no trail that the close knows of cheaply: one with late-usage marks, or one invoiced for a
    /// month of the routine window (this close would bill its corrections, and its usage or minimum of the period).
    /// Payers with usage of the period only, never invoiced or marked, are not found: the facts are partitioned by payer, so
    /// only a scan of every fact would list them.</item>
    /// </list>
    /// A trail alone never clears a partner that has invoices of the window, late usage or usage of the period (a trail
    /// rewritten in storage to say "provider" does not outweigh them). A partner made since the registry was read, after
    /// the period, is no such partner; one whose row came back while the close ran fails, so the next close bills it
    /// rather than the record counting the month closed for it. An id read from a stored key that no partner can have
    /// fails without a read by it. Returns the ids decided here (failed or owing nothing): an earlier failure of theirs is
    /// replaced by this outcome.
    /// </summary>
    private async Task<HashSet<string>> FailRowlessAsync(StoredList<Partner> registry, PeriodCloseRecord? closed, BillingPeriod period,
        ILookup<string, LateUsageMark> late, ConcurrentDictionary<string, string> failed, CancellationToken cancellationToken)
    {
        var known = registry.Items.Select(p => p.Id).Concat(registry.Unreadable.Select(u => u.Id)).ToHashSet(StringComparer.Ordinal);
        var decided = new HashSet<string>(StringComparer.Ordinal);
        var window = Adjustments.RoutineMonths(period);
        var since = EarliestBilled(period);

        // Read first: what a trail says is weighed against them (a trail rewritten to say "provider" does not outweigh
        // invoices or usage of a payer).
        var invoicedFor = new Dictionary<string, BillingPeriod>(StringComparer.Ordinal);
        foreach (var month in window)
        {
            foreach (string payer in await invoices.PayersAsync(month, cancellationToken).ConfigureAwait(false))
            {
                invoicedFor.TryAdd(payer, month); // the latest month first
            }
        }

        var subjects = (await partners.AuditSubjectsAsync(cancellationToken).ConfigureAwait(false)).Ids;
        foreach (string id in subjects.Where(id => !known.Contains(id) && closed?.Closed(id) != true))
        {
            var trail = await partners.AuditTrailAsync(id, cancellationToken).ConfigureAwait(false);
            if (trail is null)
            {
                continue; // gone since the listing: no row, no trail, decided below if it owes something
            }

            decided.Add(id);
            bool? invoiced = PartnerAuditVerifier.InvoicedSince(trail, since, out string? why);
            if (trail is not { Record: null, Unreadable: null, ChangedWhileRead: 0 })
            {
                // Its row came back (restored, or changing) while this close ran: tried by no one here, it would count as
                // closed in this record. A partner made after the period cannot owe it, nor one the trail makes no payer.
                if (invoiced != false && trail.Entries.Count > 0 && trail.Entries.Min(e => e.At) < period.End)
                {
                    Fail(id, Appeared);
                }

                continue;
            }

            if (invoiced == false && !late[id].Any() && !invoicedFor.ContainsKey(id) && !await HasUsageAsync(id, period, cancellationToken).ConfigureAwait(false))
            {
                LogRowlessNotInvoiced(logger, period.ToString(), id, since);
                continue;
            }

            Fail(id, invoiced is null ? $"{RowMissing}; its role is unknown, as {why}" : RowMissing);
        }

        known.UnionWith(subjects);
        var candidates = late.Select(g => g.Key).Concat(invoicedFor.Keys).Where(id => !known.Contains(id) && closed?.Closed(id) != true).Distinct().Order(StringComparer.Ordinal);
        foreach (string id in candidates)
        {
            decided.Add(id);
            if (PayerIds.Problem(id) is { } problem)
            {
                // Taken from a stored key (a planted mark or invoice row): no partner can have it, and storage would refuse
                // a read by it, failing the whole close.
                Fail(id, $"usage or invoices are stored for payer {id}, which no partner can be: the id {problem}");
                continue;
            }

            if (await partners.AuditTrailAsync(id, cancellationToken).ConfigureAwait(false) is not null)
            {
                Fail(id, Appeared); // it has invoices or late usage, so it existed before: restored while this close ran
            }
            else if (late[id].Any())
            {
                Fail(id, $"usage of payer {id} metered late for {string.Join(", ", late[id].Select(m => m.Month).Order())} but {NoRowNoTrail}");
            }
            else if (await HasUsageAsync(id, period, cancellationToken).ConfigureAwait(false))
            {
                Fail(id, $"usage of payer {id} in {period} but {NoRowNoTrail}");
            }
            else
            {
                Fail(id, $"payer {id} was invoiced for {invoicedFor[id]} (whose corrections this close bills, besides any minimum of {period}) but has {NoRowNoTrail}");
            }
        }

        return decided;

        void Fail(string id, string reason)
        {
            failed[id] = reason;
            LogPayerFailed(logger, period.ToString(), id, reason);
        }
    }

    /// <summary>
    /// True when an earlier failure of <paramref name="partner"/>, not invoiced now and not tried again, is moot: its trail
    /// makes it invoiced at no time since the routine window began and it has no late usage (a provider whose row was
    /// missing and is restored, say). One that was a payer then keeps its failure: its month was never closed.
    /// </summary>
    private async Task<bool> NeverInvoicedAsync(Partner partner, BillingPeriod period, ILookup<string, LateUsageMark> late, CancellationToken cancellationToken)
    {
        if (partner.IsInvoiced || late[partner.Id].Any() || await partners.AuditTrailAsync(partner.Id, cancellationToken).ConfigureAwait(false) is not { } trail)
        {
            return false;
        }

        return PartnerAuditVerifier.InvoicedSince(trail, EarliestBilled(period), out _) == false;
    }

    /// <summary>True when the payer has usage in <paramref name="period"/> (a month bucket in any shard).</summary>
    private Task<bool> HasUsageAsync(string payer, BillingPeriod period, CancellationToken cancellationToken) =>
        PayerIds.Problem(payer) is null ? facts.Rollups.HasMonthAsync(payer, period.Start, cancellationToken) : Task.FromResult(false);

    /// <summary>The start of the earliest month a close of <paramref name="period"/> bills: the oldest it corrects routinely.</summary>
    private static DateTimeOffset EarliestBilled(BillingPeriod period) =>
        Adjustments.RoutineMonths(period) is [.., var oldest] ? oldest.Start : period.Start;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Period {Period}: the partner row of {Partner} is missing (removed outside the platform); its audit trail makes it no payer with a plan since {Since:yyyy-MM-dd}, so it owes nothing here. Restore the row (partners verify reports it missing)")]
    private static partial void LogRowlessNotInvoiced(ILogger logger, string period, string partner, DateTimeOffset since);

    [LoggerMessage(Level = LogLevel.Information, Message = "Period {Period}: {Partner} is no longer listed as failed: it is not invoiced, and its audit trail makes it no payer with a plan for the period")]
    private static partial void LogEarlierFailureMoot(ILogger logger, BillingPeriod period, string partner);
}
