namespace Billing.Contracts.Invoices;

/// <summary>GET /api/v1/invoices: the invoices the caller may read, ordinal by id.</summary>
public sealed record InvoiceListResponse(IReadOnlyList<InvoiceSummaryResponse> Invoices);
