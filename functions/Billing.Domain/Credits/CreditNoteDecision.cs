namespace Billing.Domain.Credits;

/// <summary>
/// What one credit note event does, fixed once and stored with it: <see cref="Book"/> books the note's issue,
/// <see cref="BookVoid"/> its reversal (both for a void that arrives before its note), and <see cref="State"/> is the invoice's
/// credit notes afterwards.
/// </summary>
public sealed record CreditNoteDecision(
    PaymentResolution Resolution,
    CreditNoteReason Reason,
    string Detail,
    CreditNoteEntry Note,
    InvoiceCredits State,
    bool Book,
    bool BookVoid);
