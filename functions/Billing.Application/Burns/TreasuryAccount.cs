namespace Billing.Application.Burns;

/// <summary>The treasury the platform burns from: its keypair, the mint, its token account and the mint's decimals.</summary>
public sealed record TreasuryAccount(Keypair Owner, PublicKey Mint, PublicKey TokenAccount, byte Decimals)
{
    /// <summary>Lease and log name: the token account, never anything secret.</summary>
    public string Name => TokenAccount.ToString();
}
