namespace Billing.Application.Invoicing;

/// <summary>
/// Creates the Stripe invoice for a finalized one (when Stripe is configured) and remembers the Stripe ids, so a
/// repeated close never syncs twice even after Stripe's idempotency keys have expired.
/// </summary>
public sealed partial class StripeInvoiceFinalizedHandler(StripeInvoiceSync sync, InvoiceStore invoices, PartnerStore partners, TimeProvider time, ILogger<StripeInvoiceFinalizedHandler> logger)
    : IInvoiceFinalizedHandler
{
    private const int MaxAttempts = 5;

    public async Task<Invoice> OnFinalizedAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        if (!sync.Enabled || invoice.StripeInvoiceId is not null || invoice.Status == InvoiceStatus.Void)
        {
            return invoice;
        }

        var customer = await partners.GetStripeCustomerAsync(invoice.Payer, cancellationToken).ConfigureAwait(false);
        if (await sync.SyncAsync(invoice, customer, cancellationToken).ConfigureAwait(false) is not StripeSyncResult.Synced synced)
        {
            return invoice;
        }

        if (customer != synced.CustomerId)
        {
            await partners.SetStripeCustomerAsync(invoice.Payer, synced.CustomerId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        }

        // The Stripe id must be stored: a close repeated after Stripe's idempotency keys expire (24 hours) would otherwise
        // create a second Stripe invoice for the same bill. So no path below returns without it stored.
        for (int attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            if (await invoices.GetWithETagAsync(invoice.Id, cancellationToken).ConfigureAwait(false) is not var (current, etag))
            {
                throw new InvalidDataException($"invoice {invoice.Id} was removed from storage after it was synced to Stripe as {synced.StripeInvoiceId}; restore the row before closing again");
            }

            var updated = current.WithStripeInvoiceId(synced.StripeInvoiceId);
            if (current.StripeInvoiceId is not null || await invoices.TryReplaceAsync(updated, etag, cancellationToken).ConfigureAwait(false))
            {
                LogSynced(logger, invoice.Id, synced.StripeInvoiceId);

                return current.StripeInvoiceId is null ? updated : current;
            }
        }

        throw new RowContentionException($"invoice {invoice.Id}", MaxAttempts);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Invoice {InvoiceId} synced to Stripe as {StripeInvoiceId}")]
    private static partial void LogSynced(ILogger logger, InvoiceId invoiceId, string stripeInvoiceId);
}
