namespace Billing.Contracts.Invoices;

/// <summary>
/// The list form of an invoice: everything but the lines (<see cref="Lines"/> is their count). Money is a decimal string
/// (<see cref="Total"/>) and an integer of minor units (<see cref="TotalMinor"/>), never a floating-point number.
/// </summary>
public sealed record InvoiceSummaryResponse(
    string Id,
    string Payer,
    string Plan,
    InvoicePeriodRange Period,
    string Status,
    string Currency,
    string Total,
    long TotalMinor,
    int Lines,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? StripeInvoiceId); // null is written: "not synced"
