namespace Billing.Payments;

public static class PaymentsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="StripeOptions"/> from <c>Billing:Stripe</c>, validates them at startup, and registers
    /// <see cref="StripeInvoiceSync"/>, <see cref="StripeInvoiceConfirmation"/> and <see cref="StripeWebhookHandler"/> as singletons
    /// (stateless apart from the one pooled Stripe client they share, <see cref="StripeConnection"/>). Uses <see cref="TimeProvider.System"/> unless a TimeProvider is already registered.
    /// </summary>
    public static IServiceCollection AddStripePayments(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddValidatedOptions<StripeOptions, StripeOptionsValidator>(configuration, StripeOptions.SectionName);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StripeConnection>();
        services.TryAddSingleton<StripeInvoiceSync>();
        services.TryAddSingleton<StripeInvoiceConfirmation>();
        services.TryAddSingleton<StripeWebhookHandler>();
        return services;
    }
}
