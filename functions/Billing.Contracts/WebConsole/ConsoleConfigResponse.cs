namespace Billing.Contracts.WebConsole;

/// <summary>
/// GET /api/console/config.json: where the console links a Solana signature. <see cref="Cluster"/> is the explorer's
/// <c>cluster</c> (<c>mainnet-beta</c>, <c>devnet</c>, <c>testnet</c>, <c>custom</c>); <see cref="CustomUrl"/> is the
/// RPC URL (scheme, host, port and path only) for <c>custom</c>, else null. <see cref="Currencies"/> maps every currency
/// the platform bills in to its minor-unit exponent (USD 2, JPY 0), so the console reads and types amounts in major units
/// by the server's own table rather than a copy of it.
/// </summary>
public sealed record ConsoleConfigResponse(
    string Cluster,
    string Explorer,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? CustomUrl,
    IReadOnlyDictionary<string, int> Currencies);
