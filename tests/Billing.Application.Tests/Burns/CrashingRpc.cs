namespace Billing.Application.Tests.Burns;

/// <summary>Where <see cref="CrashingRpc"/> stops the executor, as a process crash would.</summary>
public enum CrashPoint
{
    /// <summary>The signed intent is stored, nothing is sent: the executor's first signature lookup never returns.</summary>
    AfterSigning,

    /// <summary>The transaction went to the node, the executor never records that it did.</summary>
    AfterSending,
}

/// <summary>The process "died" here; nothing in the executor catches it, so the run ends where it stood.</summary>
public sealed class SimulatedCrashException(CrashPoint point) : Exception($"simulated crash {point}");

/// <summary>
/// The real RPC client with a crash at one point of the burn protocol, so the crash tests need no hook in the
/// production executor: the signed intent is durable before the executor ever looks a signature up, and the send is the
/// one call after which only the "submitted" write remains. Crashes once; later runs use a plain client.
/// </summary>
public sealed class CrashingRpc(ISolanaRpcClient inner, CrashPoint point) : ISolanaRpcClient
{
    public async Task<SignatureStatuses> GetSignatureStatusesAsync(IReadOnlyList<string> signatures, bool searchTransactionHistory, CancellationToken cancellationToken) =>
        point == CrashPoint.AfterSigning
            ? throw new SimulatedCrashException(point)
            : await inner.GetSignatureStatusesAsync(signatures, searchTransactionHistory, cancellationToken);

    public async Task<string> SendTransactionAsync(ReadOnlyMemory<byte> transaction, SendTransactionOptions? options, CancellationToken cancellationToken)
    {
        string signature = await inner.SendTransactionAsync(transaction, options, cancellationToken);
        return point == CrashPoint.AfterSending ? throw new SimulatedCrashException(point) : signature;
    }

    public Task<LatestBlockhash> GetLatestBlockhashAsync(Commitment? commitment, CancellationToken cancellationToken) => inner.GetLatestBlockhashAsync(commitment, cancellationToken);

    public Task<SimulationResult> SimulateTransactionAsync(ReadOnlyMemory<byte> transaction, Commitment? commitment, CancellationToken cancellationToken) => inner.SimulateTransactionAsync(transaction, commitment, cancellationToken);

    public Task<TransactionInfo?> GetTransactionAsync(string signature, Commitment? commitment, CancellationToken cancellationToken) => inner.GetTransactionAsync(signature, commitment, cancellationToken);

    public Task<IReadOnlyList<SignatureInfo>> GetSignaturesForAddressAsync(PublicKey address, string? before, string? until, int limit, Commitment? commitment, CancellationToken cancellationToken) =>
        inner.GetSignaturesForAddressAsync(address, before, until, limit, commitment, cancellationToken);


    public Task<ulong> GetSlotAsync(Commitment? commitment, CancellationToken cancellationToken) => inner.GetSlotAsync(commitment, cancellationToken);

    public Task<EpochInfo> GetEpochInfoAsync(Commitment? commitment, CancellationToken cancellationToken) => inner.GetEpochInfoAsync(commitment, cancellationToken);

    public Task<ulong> GetFirstAvailableBlockAsync(CancellationToken cancellationToken) => inner.GetFirstAvailableBlockAsync(cancellationToken);

    public Task<ulong?> GetBlockHeightAtSlotAsync(ulong slot, Commitment? commitment, CancellationToken cancellationToken) => inner.GetBlockHeightAtSlotAsync(slot, commitment, cancellationToken);

    public Task<AccountInfo?> GetAccountInfoAsync(PublicKey account, Commitment? commitment, CancellationToken cancellationToken) => inner.GetAccountInfoAsync(account, commitment, cancellationToken);

    public Task<AccountState> GetAccountStateAsync(PublicKey account, Commitment? commitment, ulong? minContextSlot, CancellationToken cancellationToken) => inner.GetAccountStateAsync(account, commitment, minContextSlot, cancellationToken);

    public Task<ulong> GetBalanceAsync(PublicKey account, Commitment? commitment, CancellationToken cancellationToken) => inner.GetBalanceAsync(account, commitment, cancellationToken);

    public Task<TokenAmount> GetTokenAccountBalanceAsync(PublicKey tokenAccount, Commitment? commitment, CancellationToken cancellationToken) => inner.GetTokenAccountBalanceAsync(tokenAccount, commitment, cancellationToken);

    public Task<TokenAmount> GetTokenSupplyAsync(PublicKey mint, Commitment? commitment, CancellationToken cancellationToken) => inner.GetTokenSupplyAsync(mint, commitment, cancellationToken);

    public Task<string> RequestAirdropAsync(PublicKey account, ulong lamports, Commitment? commitment, CancellationToken cancellationToken) => inner.RequestAirdropAsync(account, lamports, commitment, cancellationToken);

    public Task<bool> GetHealthAsync(CancellationToken cancellationToken) => inner.GetHealthAsync(cancellationToken);

    public Task<ulong> GetMinimumBalanceForRentExemptionAsync(ulong dataLength, CancellationToken cancellationToken) => inner.GetMinimumBalanceForRentExemptionAsync(dataLength, cancellationToken);
}
