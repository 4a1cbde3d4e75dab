namespace Billing.Application.Invoicing;

public static class InvoicingServiceCollectionExtensions
{
    /// <summary>
    /// Period close and what follows it: binds and validates <see cref="InvoicingOptions"/> (<c>Billing:Invoicing</c>) and
    /// registers <see cref="PeriodCloser"/> and <see cref="InvoiceDocuments"/> (issuer from <see cref="InvoiceIssuerOptions"/>) with the closer's <see cref="InvoiceFinalization"/>: ledger booking by
    /// <typeparamref name="TLedgerBooking"/> (registered by the ledger module), then the Stripe sync. Needs the storage
    /// and payments modules and a price catalog.
    /// </summary>
    public static IServiceCollection AddInvoicing<TLedgerBooking>(this IServiceCollection services, IConfiguration configuration)
        where TLedgerBooking : class, IInvoiceFinalizedHandler
    {
        services.AddValidatedOptions<InvoicingOptions, InvoicingOptionsValidator>(configuration, InvoicingOptions.Section);
        services.TryAddSingleton<StripeInvoiceFinalizedHandler>();
        services.TryAddSingleton(sp => new InvoiceFinalization(
            ledgerBooking: sp.GetRequiredService<TLedgerBooking>(),
            stripeSync: sp.GetRequiredService<StripeInvoiceFinalizedHandler>()));
        services.TryAddSingleton<PeriodCloser>();
        services.AddValidatedOptions<InvoiceIssuerOptions, InvoiceIssuerOptionsValidator>(configuration, InvoiceIssuerOptions.Section);
        services.TryAddSingleton<InvoiceDocuments>(); // needs the ledger module's reader too
        return services;
    }
}
