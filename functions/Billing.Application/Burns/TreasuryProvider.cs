namespace Billing.Application.Burns;

/// <summary>Resolves the treasury once from settings (or the localnet bootstrap file) and the chain (decimals).</summary>
public sealed class TreasuryProvider(IOptions<SolanaOptions> options, ISolanaRpcClient rpc) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private TreasuryAccount? treasury;

    public bool IsConfigured
    {
        get
        {
            var o = options.Value;
            return !string.IsNullOrWhiteSpace(o.LocalnetInfoFile) || (!string.IsNullOrWhiteSpace(o.Mint) && (!string.IsNullOrWhiteSpace(o.TreasuryKeypair) || !string.IsNullOrWhiteSpace(o.TreasuryKeypairFile)));
        }
    }

    public async Task<TreasuryAccount> GetAsync(CancellationToken cancellationToken)
    {
        if (treasury is not null)
        {
            return treasury;
        }

        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (treasury is not null)
            {
                return treasury;
            }

            var (owner, mintText) = Read(options.Value);
            var mint = new PublicKey(mintText ?? throw new InvalidOperationException("Billing:Solana:Mint is not set"));
            var supply = await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, cancellationToken).ConfigureAwait(false);
            treasury = new TreasuryAccount(owner, mint, AssociatedTokenAccountProgram.DeriveAssociatedTokenAccount(owner.PublicKey, mint), supply.Decimals);
            return treasury;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    /// <summary>
    /// The public key of the treasury owner <paramref name="o"/> names, or null when there is none or it cannot be read
    /// (<see cref="GetAsync"/> says why where it is used). For checks at start: its keypair is not kept.
    /// </summary>
    internal static PublicKey? ConfiguredOwner(SolanaOptions o)
    {
        try
        {
            using var owner = Read(o).Owner;
            return owner.PublicKey;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Text.Json.JsonException or FormatException or ArgumentException or KeyNotFoundException or InvalidOperationException or System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The owner's keypair and the mint from the settings, or from the localnet's bootstrap file in local runs.</summary>
    private static (Keypair Owner, string? Mint) Read(SolanaOptions o)
    {
        if (!string.IsNullOrWhiteSpace(o.LocalnetInfoFile))
        {
            var local = LocalnetBootstrap.Read(o.LocalnetInfoFile);
            return (Keypair.FromJson(local.TreasuryKeypairJson), local.Mint);
        }

        string json = !string.IsNullOrWhiteSpace(o.TreasuryKeypair)
            ? o.TreasuryKeypair
            : File.ReadAllText(o.TreasuryKeypairFile ?? throw new InvalidOperationException("Billing:Solana: no treasury keypair configured"));
        return (Keypair.FromJson(json), o.Mint);
    }
}
