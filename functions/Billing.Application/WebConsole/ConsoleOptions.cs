namespace Billing.Application.WebConsole;

/// <summary>The web console's settings, bound from <c>Billing:Console</c>: where its Solana explorer links point.</summary>
public sealed class ConsoleOptions
{
    public const string Section = "Billing:Console";

    /// <summary>The Solana explorer the console links signatures to.</summary>
    public Uri ExplorerUrl { get; set; } = new("https://explorer.solana.com");

    /// <summary>
    /// The explorer's cluster: <c>mainnet-beta</c>, <c>devnet</c>, <c>testnet</c> or <c>custom</c>; empty derives it from
    /// the RPC URL (a host naming no public cluster, e.g. the localnet, is <c>custom</c>).
    /// </summary>
    public string? Cluster { get; set; }
}
