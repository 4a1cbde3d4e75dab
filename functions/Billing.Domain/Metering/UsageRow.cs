namespace Billing.Domain.Metering;

/// <summary>One bucket of a usage query. <see cref="Quantity"/> is 128-bit: a month of large sessions can pass <see cref="long.MaxValue"/>.</summary>
public sealed record UsageRow(DateTimeOffset WindowStart, IReadOnlyDictionary<string, string> Group, Int128 Quantity);
