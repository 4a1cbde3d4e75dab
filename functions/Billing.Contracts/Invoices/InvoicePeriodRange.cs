namespace Billing.Contracts.Invoices;

/// <summary>An invoice's billing period as RFC 3339 instants, <c>[start, end)</c>.</summary>
public sealed record InvoicePeriodRange(string Start, string End);
