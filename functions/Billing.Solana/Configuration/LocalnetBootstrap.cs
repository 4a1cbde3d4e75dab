namespace Billing.Solana.Configuration;

/// <summary>What the local chain's bootstrap writes to its info file (tests/localnet/server.mjs): local runs only.</summary>
/// <param name="RpcUrl">The localnet's JSON-RPC endpoint.</param>
/// <param name="Mint">The token mint the bootstrap created.</param>
/// <param name="TreasuryKeypairJson">The dev treasury keypair as the Solana CLI JSON array (a public, local-only key).</param>
public sealed record LocalnetBootstrap(Uri RpcUrl, string Mint, string TreasuryKeypairJson)
{
    public static LocalnetBootstrap Read(string path)
    {
        using var info = JsonDocument.Parse(File.ReadAllText(path));
        var root = info.RootElement;
        return new LocalnetBootstrap(new Uri(root.GetProperty("rpcUrl").GetString()!), root.GetProperty("mint").GetString()!, root.GetProperty("treasuryKeypair").GetRawText());
    }
}
