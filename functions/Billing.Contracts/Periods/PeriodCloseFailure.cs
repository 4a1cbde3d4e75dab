namespace Billing.Contracts.Periods;

/// <summary>A payer whose invoice could not be made in a close, and why; a repeated close retries it.</summary>
public sealed record PeriodCloseFailure(string Payer, string Reason);
