namespace Billing.Cli.Api.Responses;

/// <summary>One row of a <see cref="UsageReport"/>: a window, its dimension values and the quantity (0 when absent).</summary>
public sealed record UsageRow(string? WindowStart, IReadOnlyDictionary<string, string?> Group, decimal Quantity);
