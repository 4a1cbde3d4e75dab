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
        // Null when the payer has no chain (seeded before audit chains) or its head cannot be read: the invoice is still
        // booked, and partners verify reports such a row itself.
        var (head, count) = await partners.AuditHeadAsync(invoice.Payer, cancellationToken).ConfigureAwait(false);
        if (LedgerEntries.InvoiceFinalized(invoice, time.GetUtcNow(), PartnerAuditPin.Of(count, head)) is { } draft)
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
        // Nothing without a decision (reconcile reports it) or for a zero split.
        if (EntryDrafts.Payment(payment) is { } draft)
        {
            await ledger.AppendAsync(LedgerEntries.MainBook, draft, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task TokensBurnedAsync(BurnIntent burn, CancellationToken cancellationToken)
    {
        if (EntryDrafts.Burn(burn) is { } draft)
        {
            await ledger.AppendAsync(LedgerEntries.MainBook, draft, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<bool> IsBookedAsync(string entryId, CancellationToken cancellationToken) =>
        await ledger.GetAsync(LedgerEntries.MainBook, entryId, cancellationToken).ConfigureAwait(false) is not null;

    public Task<LedgerEntry?> EntryAsync(string entryId, CancellationToken cancellationToken) =>
        ledger.GetAsync(LedgerEntries.MainBook, entryId, cancellationToken);

    public Task<IReadOnlyList<LedgerEntry>> IndexedAsync(string subject, CancellationToken cancellationToken) =>
        ledger.IndexedAsync(LedgerEntries.MainBook, subject, cancellationToken);

    public Task<bool> IsIndexCompleteAsync(CancellationToken cancellationToken) =>
        ledger.IsIndexCompleteAsync(LedgerEntries.MainBook, cancellationToken);

    /// <summary>The ledger step of <see cref="InvoiceFinalization"/>: books the invoice, which stays as it is.</summary>
    async Task<Invoice> IInvoiceFinalizedHandler.OnFinalizedAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        await InvoiceFinalizedAsync(invoice, cancellationToken).ConfigureAwait(false);
        return invoice;
    }
}
