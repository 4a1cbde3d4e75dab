namespace Billing.Contracts.Invoices;

/// <summary>
/// A Stripe credit note recorded against an invoice: its amount and parts (decimal strings and integers of minor units),
/// whether it was applied (booked) or recorded unapplied with a reason, and when it was issued and voided.
/// </summary>
public sealed record InvoiceCreditNoteView(
    string Id,
    string StripeInvoiceId,
    string StripeEventId,
    string Status,
    bool Applied,
    string? Reason,
    string Currency,
    string Amount,
    long AmountMinor,
    long RefundedMinor,
    long CustomerBalanceMinor,
    long OutOfBandMinor,
    long PrePaymentMinor,
    string IssuedAt,
    string? VoidedAt,
    string? VoidedByEventId);
