namespace Billing.Solana.Programs;

/// <summary>Native System program: lamport transfers and account creation.</summary>
public static class SystemProgram
{
    public static readonly PublicKey ProgramIdKey = new("11111111111111111111111111111111");

    private const uint CreateAccountTag = 0;
    private const uint TransferTag = 2;

    public static TransactionInstruction Transfer(PublicKey from, PublicKey to, ulong lamports)
    {
        var data = new byte[12];
        BinaryPrimitives.WriteUInt32LittleEndian(data, TransferTag);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(4), lamports);
        return new TransactionInstruction(ProgramIdKey, [AccountMeta.Writable(from, true), AccountMeta.Writable(to, false)], data);
    }

    public static TransactionInstruction CreateAccount(PublicKey from, PublicKey newAccount, ulong lamports, ulong space, PublicKey owner)
    {
        var data = new byte[52];
        BinaryPrimitives.WriteUInt32LittleEndian(data, CreateAccountTag);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(4), lamports);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(12), space);
        owner.KeyBytes.CopyTo(data.AsSpan(20));
        return new TransactionInstruction(ProgramIdKey, [AccountMeta.Writable(from, true), AccountMeta.Writable(newAccount, true)], data);
    }
}
