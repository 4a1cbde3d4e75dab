namespace Billing.Domain.Ledger;

/// <summary>What an entry records. Hashed and stored by name, so the numeric values carry no meaning.</summary>
public enum LedgerEntryKind
{
    /// <summary>An invoice was finalized: debit the payer's receivable, credit revenue per meter.</summary>
    InvoiceFinalized,

    /// <summary>Stripe reported a payment: debit cash, credit the payer's receivable.</summary>
    PaymentReceived,

    /// <summary>A token burn finalized on chain: debit burned tokens, credit the treasury.</summary>
    TokensBurned,

    /// <summary>A manual or corrective booking.</summary>
    Adjustment,

    /// <summary>A Stripe credit note on an invoice: debit contra-revenue, credit what it gave back (receivable, cash, customer credit).</summary>
    CreditNoteIssued,

    /// <summary>A Stripe credit note voided: the exact reversal of its issue.</summary>
    CreditNoteVoided,

    /// <summary>
    /// Stripe refunded (more of) a charge (<see cref="RefundEntries"/>): credit <see cref="Accounts.CashStripe"/>, debit
    /// <see cref="Accounts.ClearingRefunds"/> until a credit note explains it.
    /// </summary>
    PaymentRefunded,

    /// <summary>
    /// Evidence, not money: pins partners' audit chains (count and head, <see cref="PartnerAuditPins"/>) so the anchors
    /// cover them. It has no postings, and balances and reconcile pass over it.
    /// </summary>
    PartnerAuditPinned,

    /// <summary>
    /// Evidence, not money: finance acknowledged a reconcile finding settled outside the platform
    /// (<see cref="ReconcileAcknowledgement"/>). It has no postings; reconcile lists the finding apart, not as a mismatch.
    /// </summary>
    ReconcileAcknowledged,

    /// <summary>
    /// Evidence, not money: finance released a held burn (<see cref="BurnReleaseEvidence"/>). It has no postings; the executor
    /// honours a release on a burn row only when the book holds its entry with the same content.
    /// </summary>
    BurnReleased,
}
