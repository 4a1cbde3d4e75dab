using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Billing.Payments.Tests;

/// <summary>
/// What the <see cref="StripeInvoiceConfirmation"/> tests share: our invoice, the Stripe invoice that paid it, and the
/// confirmation asking this test's Stripe double with a test-mode key.
/// </summary>
public abstract class StripeInvoiceConfirmationTestBase : StripeDoubleTests
{
    protected const string Ours = "INV-carrier-tmo-202610";
    protected const string Paid = "in_confirm1";
    protected const string TestKey = "sk_test_confirm";
    protected static readonly CancellationToken Ct = CancellationToken.None;

    /// <param name="key">The secret key; null: none.</param>
    /// <param name="logger">Where it logs; by default nowhere.</param>
    /// <param name="apiBase">Where it asks; by default this test's Stripe double.</param>
    protected StripeInvoiceConfirmation New(string? key = TestKey, ILogger<StripeInvoiceConfirmation>? logger = null, string? apiBase = null) =>
        new(new StripeConnection(Options.Create(new StripeOptions { SecretKey = key, ApiBase = apiBase ?? StripeDouble.BaseUrl })),
            logger ?? NullLogger<StripeInvoiceConfirmation>.Instance);

    /// <summary>Confirms <see cref="Paid"/>, 100.00 USD received for <see cref="Ours"/>, with the charges and refunds of its payment.</summary>
    protected Task<StripeConfirmation> ConfirmWithChargesAsync(ILogger<StripeInvoiceConfirmation>? logger = null) =>
        New(logger: logger).ConfirmWithChargesAsync(Ours, "USD", Paid, 10_000, _ => Task.FromResult(false), Ct);
}
