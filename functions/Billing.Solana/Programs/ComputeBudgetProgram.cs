namespace Billing.Solana.Programs;

/// <summary>Compute budget instructions: cap compute units and set a priority fee.</summary>
public static class ComputeBudgetProgram
{
    public static readonly PublicKey ProgramIdKey = new("ComputeBudget111111111111111111111111111111");

    private const byte SetComputeUnitLimitTag = 2;
    private const byte SetComputeUnitPriceTag = 3;

    public static TransactionInstruction SetComputeUnitLimit(uint units)
    {
        var data = new byte[5];
        data[0] = SetComputeUnitLimitTag;
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(1), units);
        return new TransactionInstruction(ProgramIdKey, [], data);
    }

    /// <summary>Priority fee in micro-lamports per compute unit.</summary>
    public static TransactionInstruction SetComputeUnitPrice(ulong microLamports)
    {
        var data = new byte[9];
        data[0] = SetComputeUnitPriceTag;
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(1), microLamports);
        return new TransactionInstruction(ProgramIdKey, [], data);
    }
}
