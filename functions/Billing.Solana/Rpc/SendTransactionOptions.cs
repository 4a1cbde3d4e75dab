namespace Billing.Solana.Rpc;

/// <summary>Options for sendTransaction; null fields are left to the node's defaults.</summary>
public sealed record SendTransactionOptions(
    bool SkipPreflight = false,
    Commitment? PreflightCommitment = null,
    uint? MaxRetries = null);
