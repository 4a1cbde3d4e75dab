namespace Billing.Contracts.Periods;

/// <summary>POST /api/v1/periods/{period}/close: the period's invoices; <see cref="Failed"/> only when a payer failed.</summary>
public sealed record PeriodCloseResponse(string Period, IReadOnlyList<InvoiceSummaryResponse> Invoices, IReadOnlyList<PeriodCloseFailure>? Failed);
