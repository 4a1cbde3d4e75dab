namespace Billing.Solana.Configuration;

/// <summary>Chain and treasury settings, bound from <c>Billing:Solana</c>.</summary>
public sealed class SolanaOptions
{
    public const string Section = "Billing:Solana";

    /// <summary>JSON-RPC endpoint: the localnet, https://api.devnet.solana.com, or a provider's mainnet URL.</summary>
    public string? RpcUrl { get; set; }

    /// <summary>Treasury keypair as the Solana CLI JSON array of 64 numbers (a Key Vault reference in Azure). Never logged.</summary>
    public string? TreasuryKeypair { get; set; }

    /// <summary>Alternatively, a path to a Solana CLI keypair file.</summary>
    public string? TreasuryKeypairFile { get; set; }

    /// <summary>The token mint (base58).</summary>
    public string? Mint { get; set; }

    /// <summary>Local runs: the localnet's bootstrap file supplies RPC URL, mint and the (dev-only) treasury keypair.</summary>
    public string? LocalnetInfoFile { get; set; }
}
