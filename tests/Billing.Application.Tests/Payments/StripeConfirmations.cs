namespace Billing.Application.Tests.Payments;

/// <summary>The <see cref="PaymentConfirmation"/> the processor and the executor are built with in tests.</summary>
public static class StripeConfirmations
{
    /// <summary>A deployment's storage (not on this machine): without a key, burns are held.</summary>
    public const string CloudTables = "DefaultEndpointsProtocol=https;AccountName=billing;AccountKey=a2V5;EndpointSuffix=core.windows.net";

    /// <summary>No secret key, tables on this machine: payments proceed unconfirmed, as in a local run.</summary>
    public static PaymentConfirmation Local(BillingTables tables) => New(tables, new StripeOptions());

    /// <summary>A test-mode key, asking <paramref name="stripe"/>.</summary>
    public static PaymentConfirmation Asking(BillingTables tables, StripeCaptureServer stripe, string key = "sk_test_confirm") =>
        New(tables, new StripeOptions { SecretKey = key, ApiBase = stripe.BaseUrl });

    public static PaymentConfirmation New(BillingTables tables, StripeOptions stripe, string storage = "UseDevelopmentStorage=true") =>
        new(new StripeInvoiceConfirmation(new StripeConnection(Options.Create(stripe)), NullLogger<StripeInvoiceConfirmation>.Instance), new InvoiceStore(tables),
            Options.Create(new StorageOptions { ConnectionString = storage }), NullLogger<PaymentConfirmation>.Instance);
}
