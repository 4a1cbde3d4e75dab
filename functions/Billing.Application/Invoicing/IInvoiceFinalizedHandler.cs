namespace Billing.Application.Invoicing;

/// <summary>Runs after an invoice is finalized and stored (Stripe sync, ledger). Must be idempotent: a repeated close calls it again.</summary>
public interface IInvoiceFinalizedHandler
{
    Task<Invoice> OnFinalizedAsync(Invoice invoice, CancellationToken cancellationToken);
}
