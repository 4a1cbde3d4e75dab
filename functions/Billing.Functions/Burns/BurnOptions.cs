using Microsoft.Extensions.Options;

namespace Billing.Functions.Burns;

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

/// <summary>Burn policy, bound from <c>Billing:Burns</c>.</summary>
public sealed class BurnOptions
{
    public const string Section = "Billing:Burns";

    /// <summary>A quote older than this is refused: the burn waits, the payment stays recorded (DESIGN §4.7).</summary>
    public TimeSpan MaxPriceAge { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Fixed USD price per token for local runs, e.g. "2.50". Ignored when <see cref="PythPriceAccount"/> is set. No default:
    /// a deployment that configures neither fails at start instead of burning at a made-up price.
    /// </summary>
    public string? FixedPrice { get; set; }

    /// <summary>Pyth price account (base58) for clusters.</summary>
    public string? PythPriceAccount { get; set; }

    /// <summary>How long one executor holds the per-treasury lease; another instance takes over only after it lapses.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long one executor run keeps polling a submitted burn before leaving it to the next run.</summary>
    public TimeSpan ConfirmationWait { get; set; } = TimeSpan.FromSeconds(20);

    public uint ComputeUnitLimit { get; set; } = 40_000;

    /// <summary>Priority fee in micro-lamports per compute unit (0: none).</summary>
    public ulong ComputeUnitPrice { get; set; }
}

public sealed class BurnOptionsValidator : IValidateOptions<BurnOptions>
{
    public ValidateOptionsResult Validate(string? name, BurnOptions o)
    {
        var failures = new List<string>();
        if (o.MaxPriceAge <= TimeSpan.Zero || o.MaxPriceAge > TimeSpan.FromHours(1))
        {
            failures.Add("Billing:Burns:MaxPriceAge must be between 0 and 1 hour.");
        }

        if (string.IsNullOrWhiteSpace(o.FixedPrice) && string.IsNullOrWhiteSpace(o.PythPriceAccount))
        {
            failures.Add("Billing:Burns: set FixedPrice (local) or PythPriceAccount (clusters).");
        }

        if (!string.IsNullOrWhiteSpace(o.FixedPrice) && !(decimal.TryParse(o.FixedPrice, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var p) && p > 0))
        {
            failures.Add($"Billing:Burns:FixedPrice '{o.FixedPrice}' must be a positive decimal such as 2.50.");
        }

        if (!string.IsNullOrWhiteSpace(o.PythPriceAccount) && !Billing.Solana.Keys.PublicKey.IsValid(o.PythPriceAccount))
        {
            failures.Add("Billing:Burns:PythPriceAccount must be a base58 public key (32 bytes).");
        }

        if (o.LeaseDuration < TimeSpan.FromSeconds(10))
        {
            failures.Add("Billing:Burns:LeaseDuration must be at least 10 seconds.");
        }

        if (o.ConfirmationWait < TimeSpan.Zero || o.ConfirmationWait >= o.LeaseDuration)
        {
            failures.Add("Billing:Burns:ConfirmationWait must be at least 0 and shorter than LeaseDuration.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
