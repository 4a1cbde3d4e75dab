namespace Billing.Contracts.Invoices;

/// <summary>
/// GET /api/v1/invoices: the invoices the caller may read, ordinal by id; <see cref="Unreadable"/> only when stored
/// invoice rows could not be read (they are not in <see cref="Invoices"/>).
/// </summary>
public sealed record InvoiceListResponse(IReadOnlyList<InvoiceSummaryResponse> Invoices, IReadOnlyList<UnreadableInvoice>? Unreadable = null);
