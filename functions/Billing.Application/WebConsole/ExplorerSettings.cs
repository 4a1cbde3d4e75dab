namespace Billing.Application.WebConsole;

/// <summary>
/// What the console needs to link a signature to a Solana explorer: the explorer, the cluster, and for a <c>custom</c>
/// cluster the RPC URL the explorer should query (<c>?cluster=custom&amp;customUrl=…</c>). The URL is served to anyone:
/// it is <see cref="ConsoleOptions.CustomUrl"/>, or the configured RPC URL only when that is on this machine (the
/// localnet), reduced to scheme, host, port and path. A provider's RPC URL is never published: its key can be in the path.
/// </summary>
public sealed record ExplorerSettings(Uri Explorer, string Cluster, Uri? CustomUrl)
{
    public const string Custom = "custom";

    /// <summary>The cluster names the Solana explorer understands.</summary>
    public static IReadOnlyList<string> Clusters { get; } = ["mainnet-beta", "devnet", "testnet", Custom];

    /// <summary>The explorer settings for the configured chain (the localnet's bootstrap file when no RPC URL is set).</summary>
    public static ExplorerSettings Resolve(ConsoleOptions console, SolanaOptions solana)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(solana);
        Uri? rpc = Uri.TryCreate(solana.RpcUrl, UriKind.Absolute, out var configured) ? configured : null;
        if (rpc is null && !string.IsNullOrWhiteSpace(solana.LocalnetInfoFile) && File.Exists(solana.LocalnetInfoFile))
        {
            rpc = LocalnetBootstrap.Read(solana.LocalnetInfoFile).RpcUrl;
        }

        rpc ??= new Uri("http://127.0.0.1:8899"); // the RPC client's own default
        string cluster = string.IsNullOrWhiteSpace(console.Cluster) ? ClusterOf(rpc) : console.Cluster;
        Uri? custom = console.CustomUrl ?? (rpc.IsLoopback ? WithoutSecrets(rpc) : null);
        return new ExplorerSettings(console.ExplorerUrl, cluster, cluster == Custom ? custom : null);
    }

    /// <summary>The public cluster an RPC host names (<c>api.devnet.solana.com</c>, <c>mainnet.helius-rpc.com</c>), else custom.</summary>
    public static string ClusterOf(Uri rpc)
    {
        ArgumentNullException.ThrowIfNull(rpc);
        string host = rpc.Host;
        return host.Contains("devnet", StringComparison.OrdinalIgnoreCase) ? "devnet"
            : host.Contains("testnet", StringComparison.OrdinalIgnoreCase) ? "testnet"
            : host.Contains("mainnet", StringComparison.OrdinalIgnoreCase) ? "mainnet-beta"
            : Custom;
    }

    private static Uri WithoutSecrets(Uri rpc) => new UriBuilder(rpc.Scheme, rpc.Host, rpc.Port, rpc.AbsolutePath).Uri;
}
