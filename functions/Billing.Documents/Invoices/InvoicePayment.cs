namespace Billing.Documents.Invoices;

/// <summary>One payment received for the invoice, as recorded from Stripe.</summary>
/// <param name="Reference">The Stripe event id.</param>
/// <param name="PaidAt">When Stripe says it was paid.</param>
/// <param name="AmountMinor">Minor units of <paramref name="Currency"/>.</param>
/// <param name="Currency">ISO code as Stripe sent it (upper case).</param>
/// <param name="Outcome">What it did: applied, unchanged or unapplied (with the reason).</param>
public sealed record InvoicePayment(string Reference, DateTimeOffset PaidAt, long AmountMinor, string Currency, string Outcome);
