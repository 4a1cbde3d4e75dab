namespace Billing.Application.Invoicing;

/// <summary>The period has not ended yet, so it cannot be closed (HTTP 409).</summary>
public sealed class PeriodNotEndedException(BillingPeriod period, DateTimeOffset end)
    : Exception($"period {period} ends at {end:yyyy-MM-dd'T'HH:mm:ss'Z'}; it can be closed only after that");
