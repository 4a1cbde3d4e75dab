namespace Billing.Functions.Tests.Invoicing;

/// <summary>A finalization step a test leaves out (the ledger booking of a Stripe test, the Stripe sync of a ledger test): the invoice passes unchanged.</summary>
internal sealed class SkippedFinalizationStep : IInvoiceFinalizedHandler
{
    public Task<Invoice> OnFinalizedAsync(Invoice invoice, CancellationToken cancellationToken) => Task.FromResult(invoice);
}
