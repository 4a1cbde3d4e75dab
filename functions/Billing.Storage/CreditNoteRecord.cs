namespace Billing.Storage;

/// <summary>
/// One Stripe credit note event as recorded, and what it did: the note as Stripe sent it and the decision made once
/// (<see cref="Resolution"/>, <see cref="Reason"/>, <see cref="Detail"/>). <see cref="InvoiceId"/> is null when no invoice of
/// this deployment carries the note's Stripe invoice.
/// </summary>
public sealed record CreditNoteRecord(IncomingCreditNote Note, string? InvoiceId, DateTimeOffset ReceivedAt)
{
    public PaymentResolution Resolution { get; init; }

    public CreditNoteReason Reason { get; init; }

    public string Detail { get; init; } = "";
}
