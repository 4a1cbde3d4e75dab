using Billing.Application.Invoicing;

namespace Billing.Application.Ledger;

/// <summary>Books money and token movements in the main book. Entry ids are deterministic, so repeats append nothing.</summary>
public sealed class LedgerRecorder(LedgerStore ledger, TimeProvider time) : ILedgerRecorder, IInvoiceFinalizedHandler
{
    public async Task InvoiceFinalizedAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        if (LedgerEntries.InvoiceFinalized(invoice, time.GetUtcNow()) is { } draft)
        {
            await ledger.AppendAsync(LedgerEntries.MainBook, draft, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task PaymentReceivedAsync(PaymentRecord payment, CancellationToken cancellationToken)
    {
        if (LedgerEntries.PaymentReceived(payment.StripeEventId, payment.InvoiceId, payment.Payer, payment.AmountMinor, payment.Currency, payment.ReceivedAt) is { } draft)
        {
            await ledger.AppendAsync(LedgerEntries.MainBook, draft, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task PaymentAppliedAsync(PaymentRecord payment, CancellationToken cancellationToken)
    {
        if (payment.Resolution is null)
        {
            return; // no decision recorded: nothing can be booked (reconcile reports it)
        }

        if (LedgerEntries.PaymentApplied(payment.StripeEventId, payment.InvoiceId, payment.Payer, payment.Currency,
                payment.ToReceivableMinor, payment.ToCreditMinor, payment.ToUnappliedMinor, payment.ReceivedAt) is { } draft)
        {
            await ledger.AppendAsync(LedgerEntries.MainBook, draft, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task TokensBurnedAsync(BurnIntent burn, CancellationToken cancellationToken)
    {
        if (LedgerEntries.TokensBurned(burn, burn.UpdatedAt) is { } draft)
        {
            await ledger.AppendAsync(LedgerEntries.MainBook, draft, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The ledger step of <see cref="InvoiceFinalization"/>: books the invoice, which stays as it is.</summary>
    async Task<Invoice> IInvoiceFinalizedHandler.OnFinalizedAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        await InvoiceFinalizedAsync(invoice, cancellationToken).ConfigureAwait(false);
        return invoice;
    }
}
