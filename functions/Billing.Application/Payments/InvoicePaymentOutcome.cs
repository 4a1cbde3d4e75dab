namespace Billing.Application.Payments;

/// <summary>What recording an <c>invoice_payment.paid</c> did.</summary>
/// <param name="Recorded">False for a replay.</param>
/// <param name="RefundsMoved">
/// Refunded charges of the payment, recorded before, now under another invoice: the one invoice the payment paid, or none
/// (compared by customer) once it is known to have paid several of ours.
/// </param>
public sealed record InvoicePaymentOutcome(bool Recorded, int RefundsMoved);
