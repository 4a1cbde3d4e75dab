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

    /// <summary>
    /// For a <c>custom</c> cluster, the RPC URL explorer links name (<c>?customUrl=</c>), served to anyone: an absolute
    /// http(s) URL without query, user info or fragment. Unset, the configured RPC URL is used only when its host is this
    /// machine (the localnet): a provider's URL is never published, since it can carry its key in the path too.
    /// </summary>
    public Uri? CustomUrl { get; set; }
}
