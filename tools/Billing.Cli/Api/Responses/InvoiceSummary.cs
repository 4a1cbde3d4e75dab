namespace Billing.Cli.Api.Responses;

/// <summary>
/// An invoice as listed by <c>GET /api/v1/invoices</c> and <c>POST /api/v1/periods/{month}/close</c> (and the head of
/// <c>GET /api/v1/invoices/{id}</c>). <c>LineCount</c> is the <c>lines</c> field as text: the count, or the number of
/// lines when the API sent the array.
/// </summary>
public sealed record InvoiceSummary(
    string? Id,
    string? Payer,
    string? Plan,
    PeriodRange? Period,
    string? Status,
    string? Total,
    long? TotalMinor,
    string? Currency,
    string? LineCount,
    string? StripeInvoiceId);
