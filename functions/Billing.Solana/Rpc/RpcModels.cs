using System.Globalization;

namespace Billing.Solana.Rpc;

public sealed record LatestBlockhash(string Blockhash, ulong LastValidBlockHeight, ulong ContextSlot);

/// <summary>Options for sendTransaction; null fields are left to the node's defaults.</summary>
public sealed record SendTransactionOptions(
    bool SkipPreflight = false,
    Commitment? PreflightCommitment = null,
    uint? MaxRetries = null);

public sealed record SimulationResult(TransactionError? Error, IReadOnlyList<string> Logs, ulong? UnitsConsumed, ulong ContextSlot);

/// <summary>Status from getSignatureStatuses; <see cref="Error"/> is null when the transaction succeeded.</summary>
public sealed record SignatureStatus(ulong Slot, ulong? Confirmations, TransactionError? Error, Commitment? ConfirmationStatus)
{
    public bool Succeeded => Error is null;

    public bool HasReached(Commitment commitment) => ConfirmationStatus is { } reached && reached >= commitment;
}

/// <summary>A token amount in base units (no floating point); decimals only matter for display.</summary>
public sealed record TokenAmount(ulong Amount, byte Decimals)
{
    /// <summary>Exact decimal text such as "12.5" for Amount = 1250000000, Decimals = 8.</summary>
    public string ToDecimalString()
    {
        var digits = Amount.ToString(CultureInfo.InvariantCulture);
        if (Decimals == 0)
        {
            return digits;
        }

        digits = digits.PadLeft(Decimals + 1, '0');
        var whole = digits[..^Decimals];
        var fraction = digits[^Decimals..].TrimEnd('0');
        return fraction.Length == 0 ? whole : $"{whole}.{fraction}";
    }
}

public sealed record TokenBalance(int AccountIndex, string Mint, string? Owner, string? ProgramId, TokenAmount UiTokenAmount);

public sealed record TransactionMeta(
    TransactionError? Error,
    ulong Fee,
    IReadOnlyList<string> LogMessages,
    IReadOnlyList<ulong> PreBalances,
    IReadOnlyList<ulong> PostBalances,
    IReadOnlyList<TokenBalance> PreTokenBalances,
    IReadOnlyList<TokenBalance> PostTokenBalances,
    ulong? ComputeUnitsConsumed);

/// <summary>Result of getTransaction (json encoding).</summary>
public sealed record TransactionInfo(
    ulong Slot,
    long? BlockTime,
    IReadOnlyList<string> Signatures,
    IReadOnlyList<string> AccountKeys,
    string RecentBlockhash,
    TransactionMeta? Meta)
{
    /// <summary>The first this many <see cref="AccountKeys"/> signed the transaction (the message header's numRequiredSignatures).</summary>
    public int RequiredSignatures { get; init; }

    /// <summary>The message's top-level instructions.</summary>
    public IReadOnlyList<CompiledInstructionInfo> Instructions { get; init; } = [];

    /// <summary>True when <paramref name="account"/> (base58) is one of the transaction's signers.</summary>
    public bool IsSigner(string account)
    {
        for (int i = 0; i < Math.Min(RequiredSignatures, AccountKeys.Count); i++)
        {
            if (string.Equals(AccountKeys[i], account, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A top-level instruction of a fetched transaction: indexes into <see cref="TransactionInfo.AccountKeys"/> and raw data.</summary>
public sealed record CompiledInstructionInfo(int ProgramIdIndex, IReadOnlyList<int> Accounts, byte[] Data);

/// <summary>One row of getSignaturesForAddress; <see cref="Memo"/> is the node's summary of the memos (<c>[len] text</c>), or null.</summary>
public sealed record SignatureInfo(string Signature, ulong Slot, TransactionError? Error, string? Memo, long? BlockTime);

public sealed record AccountInfo(ulong Lamports, string Owner, byte[] Data, bool Executable, ulong RentEpoch);
