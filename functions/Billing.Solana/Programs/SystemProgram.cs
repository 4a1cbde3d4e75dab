namespace Billing.Solana.Programs;

/// <summary>Native System program: lamport transfers and account creation.</summary>
public static class SystemProgram
{
    public static readonly PublicKey ProgramIdKey = new("11111111111111111111111111111111");

    private const uint CreateAccountTag = 0;
    private const uint TransferTag = 2;
    public const uint AllocateWithSeedTag = 9;

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

    /// <summary>
    /// Gives <paramref name="account"/> (<see cref="PublicKey.CreateWithSeed"/> of base, seed and owner) <paramref name="space"/>
    /// bytes of data and <paramref name="owner"/>; the base signs. It fails with <c>AccountAlreadyInUse</c> (Custom 0) when the
    /// account has data or another owner already, whatever lamports it holds, which is what makes it a once-only marker
    /// nobody else can set or block: only the base can allocate it, and anyone can fund it.
    /// </summary>
    public static TransactionInstruction AllocateWithSeed(PublicKey account, PublicKey baseKey, string seed, ulong space, PublicKey owner)
    {
        byte[] seedBytes = Encoding.UTF8.GetBytes(seed);
        var data = new byte[4 + 32 + 8 + seedBytes.Length + 8 + 32];
        var span = data.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(span, AllocateWithSeedTag);
        baseKey.KeyBytes.CopyTo(span[4..]);
        BinaryPrimitives.WriteUInt64LittleEndian(span[36..], (ulong)seedBytes.Length); // a Rust string: u64 length, then UTF-8
        seedBytes.CopyTo(span[44..]);
        int at = 44 + seedBytes.Length;
        BinaryPrimitives.WriteUInt64LittleEndian(span[at..], space);
        owner.KeyBytes.CopyTo(span[(at + 8)..]);
        return new TransactionInstruction(ProgramIdKey, [AccountMeta.Writable(account, false), AccountMeta.ReadOnly(baseKey, true)], data);
    }
}
