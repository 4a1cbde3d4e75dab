namespace Billing.Domain.Pricing;

/// <summary>Aggregated raw usage of one priced group: a meter and the value of the plan's pricing dimension (null when none).</summary>
/// <remarks><see cref="Quantity"/> is 128-bit: a month of maximum-size sessions (2·10^13 bytes each) passes <see cref="long.MaxValue"/> after
/// about 460,000 of them, and rating converts the sum exactly anyway.</remarks>
public readonly record struct UsageGroup(string Meter, string? DimensionValue, Int128 Quantity);
