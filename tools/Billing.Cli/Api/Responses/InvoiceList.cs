namespace Billing.Cli.Api.Responses;

/// <summary><c>GET /api/v1/invoices</c> and <c>POST /api/v1/periods/{month}/close</c>: the invoices (and the closed period).</summary>
public sealed record InvoiceList(string? Period, IReadOnlyList<InvoiceSummary> Invoices);
