namespace Billing.Domain.Credits;

/// <summary>One Stripe credit note of an invoice as recorded: its amounts, whether it was applied (booked) and whether it was voided.</summary>
public sealed record CreditNoteEntry(
    string CreditNoteId,
    string StripeInvoiceId,
    string Currency,
    CreditNoteAmounts Amounts,
    bool Applied,
    CreditNoteReason Reason,
    DateTimeOffset IssuedAt,
    string RecordedBy)
{
    /// <summary>The event that voided it; null while it stands.</summary>
    public string? VoidedBy { get; init; }

    public DateTimeOffset? VoidedAt { get; init; }

    public bool Voided => VoidedBy is not null;
}
