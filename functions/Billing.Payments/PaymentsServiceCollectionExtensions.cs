using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Billing.Payments;

public static class PaymentsServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="StripeOptions"/> from <c>Billing:Stripe</c>, validates them at startup, and registers
    /// <see cref="StripeInvoiceSync"/> and <see cref="StripeWebhookHandler"/> as singletons (both are stateless apart from
    /// the pooled Stripe client). Uses <see cref="TimeProvider.System"/> unless a TimeProvider is already registered.
    /// </summary>
    public static IServiceCollection AddStripePayments(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<StripeOptions>().Bind(configuration.GetSection(StripeOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StripeOptions>, StripeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<StripeInvoiceSync>();
        services.TryAddSingleton<StripeWebhookHandler>();
        return services;
    }
}
