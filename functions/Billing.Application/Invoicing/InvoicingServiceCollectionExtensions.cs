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
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<InvoicingOptions>().Bind(configuration.GetSection(InvoicingOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InvoicingOptions>, InvoicingOptionsValidator>());
        services.TryAddSingleton<StripeInvoiceFinalizedHandler>();
        services.TryAddSingleton(sp => new InvoiceFinalization(
            ledgerBooking: sp.GetRequiredService<TLedgerBooking>(),
            stripeSync: sp.GetRequiredService<StripeInvoiceFinalizedHandler>()));
        services.TryAddSingleton<PeriodCloser>();
        services.AddOptions<InvoiceIssuerOptions>().Bind(configuration.GetSection(InvoiceIssuerOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<InvoiceIssuerOptions>, InvoiceIssuerOptionsValidator>());
        services.TryAddSingleton<InvoiceDocuments>(); // needs the ledger module's reader too
        return services;
    }
}
