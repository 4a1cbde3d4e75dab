namespace Billing.Contracts.Invoices;

/// <summary>
/// GET /api/v1/invoices/{id}: the whole invoice. The paid amounts appear only once money has arrived, so an unpaid
/// invoice keeps the contract's exact shape; money is a decimal string plus an integer of minor units. Likewise the credit
/// notes, once one was recorded.
/// </summary>
public sealed record InvoiceResponse(
    string Id,
    string Payer,
    string Plan,
    InvoicePeriodRange Period,
    string Status,
    string Currency,
    IReadOnlyList<InvoiceLineResponse> Lines,
    string? AmountPaid,
    long? AmountPaidMinor,
    string? AmountRemaining,
    long? AmountRemainingMinor,
    string Total,
    long TotalMinor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? StripeInvoiceId, // null is written: "not synced"
    InvoiceLedgerLinks Ledger)
{
    /// <summary>
    /// What standing credit notes took off the amount due before payment (decimal string): <c>amountRemaining</c> is the total less
    /// this and <c>amountPaid</c>, and the invoice is paid once they cover the total; present only while it is not zero.
    /// </summary>
    public string? PrePaymentCredited { get; init; }

    /// <summary><see cref="PrePaymentCredited"/> in minor units.</summary>
    public long? PrePaymentCreditedMinor { get; init; }

    /// <summary>What standing, applied credit notes credit (decimal string); present only once a credit note was recorded.</summary>
    public string? Credited { get; init; }

    /// <summary><see cref="Credited"/> in minor units.</summary>
    public long? CreditedMinor { get; init; }

    /// <summary>The Stripe credit notes recorded against the invoice, voided ones included; present only when there are any.</summary>
    public IReadOnlyList<InvoiceCreditNoteView>? CreditNotes { get; init; }
}
