namespace Billing.Application.Payments;

/// <summary>Other writers kept changing the invoice's payment state; a transient condition (the webhook answers 503, Stripe retries).</summary>
public sealed class PaymentContentionException(string invoiceId, int attempts)
    : Exception($"the payment state of {invoiceId} kept changing ({attempts} attempts); retry");
