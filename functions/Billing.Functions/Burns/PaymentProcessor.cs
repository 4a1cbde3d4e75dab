using Billing.Domain.Burns;
using Billing.Domain.Invoicing;
using Billing.Payments;
using Billing.Storage;

namespace Billing.Functions.Burns;

public sealed record PaymentOutcome(string InvoiceId, bool NewPayment, bool InvoiceKnown, string? BurnId);

/// <summary>
/// Turns a verified <c>invoice.paid</c> into durable records: the payment (once per Stripe event id), the invoice marked
/// paid, the ledger entry, and one burn intent per invoice. Every step is idempotent and re-run on a replay, so a crash
/// between steps is repaired by Stripe's retry of the same event and nothing is ever created twice.
/// </summary>
public sealed partial class PaymentProcessor(
    PaymentStore payments,
    InvoiceStore invoices,
    BurnStore burns,
    ILedgerRecorder ledger,
    BurnTrigger trigger,
    TimeProvider time,
    ILogger<PaymentProcessor> logger)
{
    public async Task<PaymentOutcome> RecordAsync(WebhookOutcome.PaymentReceived paid, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var record = new PaymentRecord(paid.StripeEventId, paid.BillingInvoiceId.ToString(), paid.BillingInvoiceId.Payer, paid.AmountPaidMinor, paid.Currency,
            paid.StripeInvoiceId, paid.StripeCustomerId, paid.PaymentIntentId, paid.PaidAt, now);
        bool isNew = await payments.TryAddAsync(record, cancellationToken).ConfigureAwait(false);
        if (!isNew)
        {
            LogReplay(logger, paid.StripeEventId, record.InvoiceId);
        }

        var invoiceKnown = await MarkPaidAsync(paid.BillingInvoiceId, cancellationToken).ConfigureAwait(false);
        await ledger.PaymentReceivedAsync(record, cancellationToken).ConfigureAwait(false);
        if (!invoiceKnown)
        {
            // Money arrived for an invoice this deployment does not know: keep the payment, burn nothing, shout.
            LogUnknownInvoice(logger, record.InvoiceId, paid.StripeEventId);
            return new PaymentOutcome(record.InvoiceId, isNew, false, null);
        }

        var (intent, created) = await burns.CreateIfAbsentAsync(new BurnIntent
        {
            Id = BurnIntent.IdFor(record.InvoiceId),
            InvoiceId = record.InvoiceId,
            Payer = record.Payer,
            PaymentId = paid.StripeEventId,
            UsdMinor = paid.AmountPaidMinor,
            Currency = paid.Currency,
            CreatedAt = now,
            UpdatedAt = now,
        }, cancellationToken).ConfigureAwait(false);
        if (created)
        {
            LogIntent(logger, intent.Id, record.InvoiceId, paid.AmountPaidMinor, paid.Currency);
        }

        trigger.Signal(); // an immediate attempt; the BurnExecutor timer is the safety net
        return new PaymentOutcome(record.InvoiceId, isNew, true, intent.Id);
    }

    private async Task<bool> MarkPaidAsync(InvoiceId id, CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < 5; attempt++)
        {
            if (await invoices.GetWithETagAsync(id, cancellationToken).ConfigureAwait(false) is not var (invoice, etag))
            {
                return false;
            }

            if (invoice.Status != InvoiceStatus.Finalized)
            {
                return true; // already paid (a replay), or void: nothing to change
            }

            if (await invoices.TryReplaceAsync(invoice.MarkPaid(), etag, cancellationToken).ConfigureAwait(false))
            {
                return true;
            }
        }

        throw new InvalidOperationException($"invoice {id} kept changing while being marked paid");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} for {InvoiceId} was already recorded; re-checking its effects only")]
    private static partial void LogReplay(ILogger logger, string eventId, string invoiceId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Payment {EventId} is for unknown invoice {InvoiceId}; recorded, no burn")]
    private static partial void LogUnknownInvoice(ILogger logger, string invoiceId, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Burn intent {BurnId} created for {InvoiceId}: {AmountMinor} minor {Currency}")]
    private static partial void LogIntent(ILogger logger, string burnId, string invoiceId, long amountMinor, string currency);
}

/// <summary>Runs the executor right away after a payment, in the background, without holding up the webhook answer.</summary>
public sealed partial class BurnTrigger(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<BurnTrigger> logger)
{
    private int running;

    public void Signal()
    {
        if (Interlocked.Exchange(ref running, 1) == 1)
        {
            return; // a run is already going; the timer picks up anything it misses
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await services.GetRequiredService<BurnExecutor>().RunAsync(lifetime.ApplicationStopping).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogFailed(logger, ex);
            }
            finally
            {
                Volatile.Write(ref running, 0);
            }
        }, CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Immediate burn attempt failed; the BurnExecutor timer will retry")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
