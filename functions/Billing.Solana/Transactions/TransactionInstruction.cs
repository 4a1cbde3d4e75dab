namespace Billing.Solana.Transactions;

/// <summary>One program invocation: program id, ordered account list and opaque instruction data.</summary>
public sealed class TransactionInstruction
{
    public TransactionInstruction(PublicKey programId, IReadOnlyList<AccountMeta> keys, ReadOnlyMemory<byte> data)
    {
        ArgumentNullException.ThrowIfNull(programId);
        ArgumentNullException.ThrowIfNull(keys);
        ProgramId = programId;
        Keys = keys.ToArray();
        Data = data.ToArray();
    }

    public PublicKey ProgramId { get; }

    public IReadOnlyList<AccountMeta> Keys { get; }

    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Structural equality (program, accounts with flags, data bytes); handy for tests and diffing.</summary>
    public bool ContentEquals(TransactionInstruction other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ProgramId == other.ProgramId
            && Keys.SequenceEqual(other.Keys)
            && Data.Span.SequenceEqual(other.Data.Span);
    }
}
