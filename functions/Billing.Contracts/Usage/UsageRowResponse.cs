namespace Billing.Contracts.Usage;

/// <summary>
/// One window × group of a usage query. <see cref="Quantity"/> is an exact integer in the meter's unit; a decimal carries
/// it so that a total beyond <c>long</c> is still written exactly as a JSON integer.
/// </summary>
public sealed record UsageRowResponse(string WindowStart, IReadOnlyDictionary<string, string> Group, decimal Quantity);
