namespace Billing.Application.Invoicing;

/// <summary>
/// What happens to an invoice once it is finalized and stored, in this order: it is booked in the ledger, then sent to
/// Stripe. The order is the point: an invoice a customer can see and pay in Stripe must already be in the hash-chained
/// ledger, so a payment (and the burn it triggers) never refers to money the books do not show. Both steps are
/// idempotent, and a repeated close runs them again to finish a close that stopped half-way.
/// </summary>
public sealed class InvoiceFinalization(IInvoiceFinalizedHandler ledgerBooking, IInvoiceFinalizedHandler stripeSync)
{
    /// <summary>For callers that book and sync nothing (tests of the close itself, benchmarks).</summary>
    public static InvoiceFinalization None { get; } = new(NoStep.Instance, NoStep.Instance);

    public async Task<Invoice> RunAsync(Invoice invoice, CancellationToken cancellationToken)
    {
        // Ledger first, and only then Stripe (see the summary); the Stripe step may return the invoice with its Stripe id.
        var booked = await ledgerBooking.OnFinalizedAsync(invoice, cancellationToken).ConfigureAwait(false);
        return await stripeSync.OnFinalizedAsync(booked, cancellationToken).ConfigureAwait(false);
    }

    private sealed class NoStep : IInvoiceFinalizedHandler
    {
        public static readonly NoStep Instance = new();

        public Task<Invoice> OnFinalizedAsync(Invoice invoice, CancellationToken cancellationToken) => Task.FromResult(invoice);
    }
}
