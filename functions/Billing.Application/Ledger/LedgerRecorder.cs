using Billing.Application.Invoicing;

namespace Billing.Application.Ledger;

/// <summary>
/// Books money and token movements in the main book. Entry ids are deterministic, so repeats append nothing. An
/// invoice's entry pins its payer's audit chain as it stands (<see cref="PartnerAuditPin"/>), so the partner history it
/// was billed under is anchored with it.
/// </summary>
public sealed class LedgerRecorder(LedgerStore ledger, PartnerStore partners, TimeProvider time) : ILedgerRecorder, IInvoiceFinalizedHandler
{
    public async Task InvoiceFinalizedAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var pin = await PayerAuditAsync(invoice.Payer, cancellationToken).ConfigureAwait(false);
        if (LedgerEntries.InvoiceFinalized(invoice, time.GetUtcNow(), pin) is { } draft)
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

    /// <summary>
    /// The payer's audit head and count; null when it has none (seeded before audit chains) or its row cannot be read:
    /// the invoice is still booked, and <c>partners verify</c> reports such a row itself.
    /// </summary>
    private async Task<PartnerAuditPin?> PayerAuditAsync(string payer, CancellationToken cancellationToken)
    {
        try
        {
            return await partners.GetAsync(payer, cancellationToken).ConfigureAwait(false) is { AuditCount: >= 1 and long count, AuditHead: { } head }
                && LedgerEncoding.IsHash(head)
                ? new PartnerAuditPin(count, head)
                : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }
}
