namespace Billing.Solana.Rpc;

/// <summary>How settled the state a request reads (or waits for) must be.</summary>
public enum Commitment
{
    Processed,
    Confirmed,
    Finalized,
}
