namespace Billing.Application.Tests.Ledger;

/// <summary>The real ledger recorder behind a test's own behaviour: every call goes to <paramref name="inner"/> unless overridden.</summary>
internal abstract class DelegatingLedgerRecorder(ILedgerRecorder inner) : ILedgerRecorder
{
    public virtual Task InvoiceFinalizedAsync(Invoice invoice, CancellationToken cancellationToken) => inner.InvoiceFinalizedAsync(invoice, cancellationToken);

    public virtual Task PaymentReceivedAsync(PaymentRecord payment, CancellationToken cancellationToken) => inner.PaymentReceivedAsync(payment, cancellationToken);

    public virtual Task PaymentAppliedAsync(PaymentRecord payment, CancellationToken cancellationToken) => inner.PaymentAppliedAsync(payment, cancellationToken);

    public virtual Task TokensBurnedAsync(BurnIntent burn, CancellationToken cancellationToken) => inner.TokensBurnedAsync(burn, cancellationToken);

    public virtual Task<bool> IsBookedAsync(string entryId, CancellationToken cancellationToken) => inner.IsBookedAsync(entryId, cancellationToken);

    public virtual Task<LedgerEntry?> EntryAsync(string entryId, CancellationToken cancellationToken) => inner.EntryAsync(entryId, cancellationToken);

    public virtual Task<IReadOnlyList<LedgerEntry>> IndexedAsync(string subject, CancellationToken cancellationToken) => inner.IndexedAsync(subject, cancellationToken);

    public virtual Task<bool> IsIndexCompleteAsync(CancellationToken cancellationToken) => inner.IsIndexCompleteAsync(cancellationToken);
}
