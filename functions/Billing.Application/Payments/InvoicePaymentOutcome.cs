namespace Billing.Application.Payments;

/// <summary>What recording an <c>invoice_payment.paid</c> did.</summary>
/// <param name="InvoiceId">Our invoice the payment paid; null when none, or more than one, was found.</param>
/// <param name="Recorded">False for a replay.</param>
/// <param name="RefundsMatched">Refunded charges of the payment, recorded before with no invoice, now under <paramref name="InvoiceId"/>.</param>
public sealed record InvoicePaymentOutcome(string? InvoiceId, bool Recorded, int RefundsMatched);
