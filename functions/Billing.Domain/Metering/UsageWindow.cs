namespace Billing.Domain.Metering;

/// <summary>Time bucket of a usage query. Buckets are UTC and half-open: <c>[windowStart, next windowStart)</c>.</summary>
public enum UsageWindow
{
    Hour,
    Day,
    Month,
}
