namespace Billing.Contracts.Payments;

/// <summary>
/// A verified <c>credit_note.created</c> or <c>credit_note.voided</c> and what it did: <see cref="InvoiceId"/> (null when no invoice
/// of ours carries the note), <see cref="Replay"/> when the event was recorded before, <see cref="Resolution"/> <c>applied</c>,
/// <c>unchanged</c> or <c>unapplied</c> with the <see cref="Reason"/>, and the invoice's burn and its status (<c>held</c> while a
/// credit note stands). Unset members are <c>null</c>.
/// </summary>
public sealed record StripeWebhookCreditNote(
    bool Received,
    string EventId,
    string CreditNoteId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? InvoiceId,
    bool Replay,
    string Resolution,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Reason,
    string Detail,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? BurnId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? BurnStatus);
