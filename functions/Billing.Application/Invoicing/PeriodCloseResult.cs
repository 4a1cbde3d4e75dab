namespace Billing.Application.Invoicing;

/// <summary>What a close produced: the period's invoices (ordinal by id) and the payers whose invoice could not be made.</summary>
/// <param name="Period">The closed period.</param>
/// <param name="Invoices">Its invoices, ordinal by id.</param>
/// <param name="Failed">Payer id → reason, for deterministic errors (e.g. an amount beyond the range of money); a repeated close retries them.</param>
public sealed record PeriodCloseResult(BillingPeriod Period, IReadOnlyList<Invoice> Invoices, IReadOnlyDictionary<string, string> Failed);
