using Billing.Domain;
using Billing.Domain.Invoicing;
using Billing.Domain.Partners;
using Billing.Domain.Pricing;
using Billing.Storage;

namespace Billing.Functions.Invoicing;

/// <summary>The period has not ended yet, so it cannot be closed (HTTP 409).</summary>
public sealed class PeriodNotEndedException(BillingPeriod period, DateTimeOffset end)
    : Exception($"period {period} ends at {end:yyyy-MM-dd'T'HH:mm:ss'Z'}; it can be closed only after that");

/// <summary>Runs after an invoice is finalized and stored (Stripe sync, ledger). Must be idempotent: a repeated close calls it again.</summary>
public interface IInvoiceFinalizedHandler
{
    Task<Invoice> OnFinalizedAsync(Invoice invoice, CancellationToken cancellationToken);
}

/// <summary>
/// Closes a billing period: for every payer with usage or a minimum, rates the facts of <c>[start, end)</c>, adds
/// prior-period adjustments for late facts, finalizes and stores the invoice. Deterministic and idempotent: invoice ids
/// are derived from payer and period, and an invoice already stored is returned as it is.
/// </summary>
public sealed partial class PeriodCloser(
    FactStore facts,
    InvoiceStore invoices,
    PartnerStore partners,
    PlanCatalog plans,
    IEnumerable<IInvoiceFinalizedHandler> finalizedHandlers,
    TimeProvider time,
    ILogger<PeriodCloser> logger)
{
    /// <summary>How many earlier periods are re-rated for late facts: facts may be 35 days old, so two months back suffices.</summary>
    private const int AdjustmentLookback = 2;

    public async Task<IReadOnlyList<Invoice>> CloseAsync(BillingPeriod period, CancellationToken cancellationToken)
    {
        if (!period.HasEnded(time.GetUtcNow()))
        {
            throw new PeriodNotEndedException(period, period.End);
        }

        var payers = (await partners.ListAsync(cancellationToken).ConfigureAwait(false)).Where(p => p.IsPayer && p.PlanId is not null).ToList();
        var results = new Invoice?[payers.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, payers.Count), new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken }, async (i, ct) =>
        {
            results[i] = await CloseForPayerAsync(payers[i], period, ct).ConfigureAwait(false);
        }).ConfigureAwait(false);

        var closed = results.OfType<Invoice>().OrderBy(i => i.Id.ToString(), StringComparer.Ordinal).ToList();
        LogClosed(logger, period.ToString(), closed.Count);
        return closed;
    }

    private async Task<Invoice?> CloseForPayerAsync(Partner payer, BillingPeriod period, CancellationToken cancellationToken)
    {
        var id = new InvoiceId(payer.Id, period);
        if (await invoices.GetAsync(id, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return await RunHandlersAsync(existing, cancellationToken).ConfigureAwait(false); // finish a close that stopped half-way
        }

        var plan = plans.Get(payer.PlanId!);
        var usage = await AccumulateAsync(plan, payer.Id, period, cancellationToken).ConfigureAwait(false);
        var adjustments = await AdjustmentsAsync(plan, payer.Id, period, cancellationToken).ConfigureAwait(false);
        var draft = RatingEngine.Rate(plan, payer.Id, period, usage, adjustments);
        if (draft.Lines.Count == 0)
        {
            return null; // no usage, no minimum, nothing late: no invoice
        }

        var (stored, created) = await invoices.AddOrGetAsync(draft.Finalize(), cancellationToken).ConfigureAwait(false);
        if (created)
        {
            LogFinalized(logger, stored.Id.ToString(), stored.Total.ToString(), stored.Currency.Code);
        }

        return await RunHandlersAsync(stored, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Invoice> RunHandlersAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        foreach (var handler in finalizedHandlers)
        {
            invoice = await handler.OnFinalizedAsync(invoice, cancellationToken).ConfigureAwait(false);
        }

        return invoice;
    }

    /// <summary>Streams the payer's facts of the period (shard by shard, in parallel) into an accumulator whose size is bounded by priced groups, not facts.</summary>
    public async Task<UsageAccumulator> AccumulateAsync(PricePlan plan, string payer, BillingPeriod period, CancellationToken cancellationToken)
    {
        var usage = new UsageAccumulator(plan);
        await foreach (var fact in facts.QueryAsync(payer, period.Start, period.End, cancellationToken).ConfigureAwait(false))
        {
            usage.Add(fact);
        }

        return usage;
    }

    private async Task<IReadOnlyList<InvoiceLine>> AdjustmentsAsync(PricePlan plan, string payer, BillingPeriod period, CancellationToken cancellationToken)
    {
        var lines = new List<InvoiceLine>();
        var earlier = period;
        for (int back = 1; back <= AdjustmentLookback; back++)
        {
            earlier = earlier.Previous;
            if (await invoices.GetAsync(new InvoiceId(payer, earlier), cancellationToken).ConfigureAwait(false) is not { } invoiced)
            {
                continue;
            }

            var recomputed = RatingEngine.Rate(plan, payer, earlier, await AccumulateAsync(plan, payer, earlier, cancellationToken).ConfigureAwait(false));
            var later = new List<Invoice>();
            for (var p = earlier.Next; p < period; p = p.Next)
            {
                if (await invoices.GetAsync(new InvoiceId(payer, p), cancellationToken).ConfigureAwait(false) is { } billed)
                {
                    later.Add(billed);
                }
            }

            if (Adjustments.For(invoiced, recomputed, later) is { } line)
            {
                lines.Add(line);
            }
        }

        lines.Reverse(); // oldest period first
        return lines;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Invoice {InvoiceId} finalized: {Total} {Currency}")]
    private static partial void LogFinalized(ILogger logger, string invoiceId, string total, string currency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Period {Period} closed: {Count} invoice(s)")]
    private static partial void LogClosed(ILogger logger, string period, int count);
}
