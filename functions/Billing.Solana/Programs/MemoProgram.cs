namespace Billing.Solana.Programs;

/// <summary>SPL Memo v2: records UTF-8 text in the transaction logs; optional signers must sign.</summary>
public static class MemoProgram
{
    public static readonly PublicKey ProgramIdKey = new("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");

    public static TransactionInstruction NewMemo(string memo, params IEnumerable<PublicKey> signers)
    {
        ArgumentNullException.ThrowIfNull(memo);
        ArgumentNullException.ThrowIfNull(signers);
        return new TransactionInstruction(
            ProgramIdKey,
            signers.Select(s => AccountMeta.ReadOnly(s, true)).ToArray(),
            Encoding.UTF8.GetBytes(memo));
    }
}
