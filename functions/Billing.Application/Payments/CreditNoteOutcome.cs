namespace Billing.Application.Payments;

/// <summary>What the webhook answers about one credit note event; <see cref="InvoiceId"/> is null when no invoice of ours carries the note.</summary>
public sealed record CreditNoteOutcome(
    string? InvoiceId,
    string CreditNoteId,
    bool NewEvent,
    PaymentResolution Resolution,
    CreditNoteReason Reason,
    string Detail,
    string? BurnId,
    string? BurnStatus);
