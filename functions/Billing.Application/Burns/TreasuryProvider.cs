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

            var o = options.Value;
            Keypair owner;
            PublicKey mint;
            if (!string.IsNullOrWhiteSpace(o.LocalnetInfoFile))
            {
                var local = LocalnetBootstrap.Read(o.LocalnetInfoFile);
                owner = Keypair.FromJson(local.TreasuryKeypairJson);
                mint = new PublicKey(local.Mint);
            }
            else
            {
                owner = !string.IsNullOrWhiteSpace(o.TreasuryKeypair)
                    ? Keypair.FromJson(o.TreasuryKeypair)
                    : await Keypair.LoadFromFileAsync(o.TreasuryKeypairFile ?? throw new InvalidOperationException("Billing:Solana: no treasury keypair configured"), cancellationToken).ConfigureAwait(false);
                mint = new PublicKey(o.Mint ?? throw new InvalidOperationException("Billing:Solana:Mint is not set"));
            }

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
}
