namespace Billing.Domain.Credits;

/// <summary>
/// A Stripe credit note event as Stripe reported it: <c>credit_note.created</c> (<paramref name="Voided"/> false) or
/// <c>credit_note.voided</c>. Amounts are integer minor units of <paramref name="Currency"/>; <paramref name="Problem"/> is set
/// when an amount was not a non-negative integer (the amounts are then 0 and the note is recorded unapplied).
/// </summary>
/// <param name="EventId">The Stripe event id (<c>evt_…</c>): the deduplication key.</param>
/// <param name="CreditNoteId">The credit note (<c>cn_…</c>): its ledger entries derive their ids from it.</param>
/// <param name="StripeInvoiceId">The Stripe invoice it credits (<c>in_…</c>).</param>
/// <param name="Voided">True for <c>credit_note.voided</c>.</param>
/// <param name="Currency">Upper-case ISO code as Stripe sent it.</param>
/// <param name="Amounts">How its amount splits; all zero when <paramref name="Problem"/> is set.</param>
/// <param name="At">When it was issued (for a void: voided).</param>
/// <param name="Problem">Why the amounts could not be read, if they could not.</param>
public sealed record IncomingCreditNote(
    string EventId,
    string CreditNoteId,
    string StripeInvoiceId,
    bool Voided,
    string Currency,
    CreditNoteAmounts Amounts,
    DateTimeOffset At,
    string? Problem = null);
