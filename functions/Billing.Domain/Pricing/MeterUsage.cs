namespace Billing.Domain.Pricing;

/// <summary>One usage fact (or a pre-aggregated amount) of a meter, in the meter's raw unit (bytes, count, seconds).</summary>
public sealed record MeterUsage(string Meter, IReadOnlyDictionary<string, string> Dimensions, long Quantity);
