namespace Billing.Cli.Api.Responses;

/// <summary>An invoice period <c>{start,end}</c>; <see cref="Value"/> holds the period when the API sent a plain value instead.</summary>
public sealed record PeriodRange(string? Start, string? End, string? Value = null);
