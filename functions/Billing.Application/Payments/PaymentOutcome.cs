namespace Billing.Application.Payments;

/// <summary>What the webhook answers about one payment event; <see cref="InvoiceId"/> is null when it is of none of our invoices.</summary>
public sealed record PaymentOutcome(
    string? InvoiceId,
    bool NewPayment,
    bool InvoiceKnown,
    string? BurnId,
    PaymentResolution Resolution,
    UnappliedReason Reason,
    string Detail,
    string? InvoiceStatus);
