namespace Billing.Solana.Rpc;

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
