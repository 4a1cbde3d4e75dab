namespace Billing.Solana.Rpc;

/// <summary>The Solana JSON-RPC calls the billing platform needs (see <see cref="SolanaRpcClient"/>).</summary>
public interface ISolanaRpcClient
{
    Task<LatestBlockhash> GetLatestBlockhashAsync(Commitment? commitment, CancellationToken cancellationToken);

    Task<string> SendTransactionAsync(ReadOnlyMemory<byte> transaction, SendTransactionOptions? options, CancellationToken cancellationToken);

    Task<SimulationResult> SimulateTransactionAsync(ReadOnlyMemory<byte> transaction, Commitment? commitment, CancellationToken cancellationToken);

    Task<SignatureStatuses> GetSignatureStatusesAsync(IReadOnlyList<string> signatures, bool searchTransactionHistory, CancellationToken cancellationToken);

    Task<TransactionInfo?> GetTransactionAsync(string signature, Commitment? commitment, CancellationToken cancellationToken);

    /// <summary>Signatures of transactions that reference <paramref name="address"/>, newest first: at most <paramref name="limit"/>
    /// (1-1000), older than <paramref name="before"/> and newer than <paramref name="until"/> when given.</summary>
    Task<IReadOnlyList<SignatureInfo>> GetSignaturesForAddressAsync(PublicKey address, string? before, string? until, int limit, Commitment? commitment, CancellationToken cancellationToken);

    Task<ulong> GetSlotAsync(Commitment? commitment, CancellationToken cancellationToken);

    Task<EpochInfo> GetEpochInfoAsync(Commitment? commitment, CancellationToken cancellationToken);

    /// <summary>getFirstAvailableBlock: the lowest slot whose block the node serves (from its ledger or its archive, the lower
    /// of the two); nothing below it is served. Not a promise that every block above it is (a ledger may have holes).</summary>
    Task<ulong> GetFirstAvailableBlockAsync(CancellationToken cancellationToken);

    /// <summary>getBlock without its transactions: the block height of the block at <paramref name="slot"/>; null when the
    /// node answers no block, or a block without a height (blocks older than heights being recorded).</summary>
    Task<ulong?> GetBlockHeightAtSlotAsync(ulong slot, Commitment? commitment, CancellationToken cancellationToken);

    Task<AccountInfo?> GetAccountInfoAsync(PublicKey account, Commitment? commitment, CancellationToken cancellationToken);

    /// <summary>getAccountInfo with the slot of the state it answers from; with <paramref name="minContextSlot"/>, a node that
    /// has not reached that slot answers an error (-32016) instead of an older state.</summary>
    Task<AccountState> GetAccountStateAsync(PublicKey account, Commitment? commitment, ulong? minContextSlot, CancellationToken cancellationToken);

    Task<ulong> GetBalanceAsync(PublicKey account, Commitment? commitment, CancellationToken cancellationToken);

    Task<TokenAmount> GetTokenAccountBalanceAsync(PublicKey tokenAccount, Commitment? commitment, CancellationToken cancellationToken);

    Task<TokenAmount> GetTokenSupplyAsync(PublicKey mint, Commitment? commitment, CancellationToken cancellationToken);

    Task<string> RequestAirdropAsync(PublicKey account, ulong lamports, Commitment? commitment, CancellationToken cancellationToken);

    Task<bool> GetHealthAsync(CancellationToken cancellationToken);

    Task<ulong> GetMinimumBalanceForRentExemptionAsync(ulong dataLength, CancellationToken cancellationToken);
}
