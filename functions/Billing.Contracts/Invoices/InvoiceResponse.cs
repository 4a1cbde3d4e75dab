namespace Billing.Contracts.Invoices;

/// <summary>
/// GET /api/v1/invoices/{id}: the whole invoice. The paid amounts appear only once money has arrived, so an unpaid
/// invoice keeps the contract's exact shape; money is a decimal string plus an integer of minor units.
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
    InvoiceLedgerLinks Ledger);
