namespace Billing.Application.Payments;

/// <summary>Composition of payments: Stripe (webhook verification, invoice sync) and the processor that turns a paid invoice into records and a burn intent.</summary>
public static class PaymentProcessingServiceCollectionExtensions
{
    /// <summary>Needs AddBurns and AddLedger (the processor books the payment and signals the executor).</summary>
    public static IServiceCollection AddPaymentProcessing(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddStripePayments(configuration); // registers the clock too
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StripeOptions>, Startup.PublicLocalCredentialsValidator>());
        services.TryAddSingleton<PaymentStore>();
        services.TryAddSingleton<PaymentConfirmation>(); // Stripe is asked before a payment is booked and before its burn is signed
        services.TryAddSingleton<PaymentProcessor>();
        services.TryAddSingleton<CreditNoteProcessor>();
        services.TryAddSingleton<RefundStore>();
        services.TryAddSingleton<RefundBookings>();
        services.TryAddSingleton<RefundProcessor>();
        services.TryAddSingleton<DisputeProcessor>();
        services.TryAddSingleton<InvoicePaymentLinkStore>();
        services.TryAddSingleton<RefundPlacement>();
        services.TryAddSingleton<InvoicePaymentProcessor>();
        return services;
    }
}
