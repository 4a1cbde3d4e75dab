namespace Billing.Solana.Transactions;

/// <summary>An account referenced by an instruction, with the privileges the instruction needs.</summary>
public readonly record struct AccountMeta(PublicKey PublicKey, bool IsSigner, bool IsWritable)
{
    public static AccountMeta Writable(PublicKey key, bool isSigner) => new(key, isSigner, true);

    public static AccountMeta ReadOnly(PublicKey key, bool isSigner) => new(key, isSigner, false);
}
