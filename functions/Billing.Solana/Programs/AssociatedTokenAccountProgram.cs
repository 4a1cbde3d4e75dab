namespace Billing.Solana.Programs;

/// <summary>Associated Token Account program: the canonical token account of (owner, mint).</summary>
public static class AssociatedTokenAccountProgram
{
    public static readonly PublicKey ProgramIdKey = new("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");

    private static readonly byte[] CreateIdempotentData = [1];

    /// <summary>PDA with seeds (owner, token program, mint) under the ATA program.</summary>
    public static PublicKey DeriveAssociatedTokenAccount(PublicKey owner, PublicKey mint, PublicKey? tokenProgramId = null)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(mint);
        var tokenProgram = tokenProgramId ?? TokenProgram.ProgramIdKey;
        return PublicKey.FindProgramAddress([owner.ToByteArray(), tokenProgram.ToByteArray(), mint.ToByteArray()], ProgramIdKey).Address;
    }

    /// <summary>Creates the owner's ATA if missing and succeeds if it already exists (safe to retry).</summary>
    public static TransactionInstruction CreateIdempotent(PublicKey payer, PublicKey owner, PublicKey mint, PublicKey? tokenProgramId = null) =>
        Create(payer, owner, mint, tokenProgramId ?? TokenProgram.ProgramIdKey, CreateIdempotentData);

    /// <summary>Non-idempotent create (fails if the account exists).</summary>
    public static TransactionInstruction CreateAssociatedTokenAccount(PublicKey payer, PublicKey owner, PublicKey mint, PublicKey? tokenProgramId = null) =>
        Create(payer, owner, mint, tokenProgramId ?? TokenProgram.ProgramIdKey, []);

    private static TransactionInstruction Create(PublicKey payer, PublicKey owner, PublicKey mint, PublicKey tokenProgram, byte[] data) =>
        new(
            ProgramIdKey,
            [
                AccountMeta.Writable(payer, true),
                AccountMeta.Writable(DeriveAssociatedTokenAccount(owner, mint, tokenProgram), false),
                AccountMeta.ReadOnly(owner, false),
                AccountMeta.ReadOnly(mint, false),
                AccountMeta.ReadOnly(SystemProgram.ProgramIdKey, false),
                AccountMeta.ReadOnly(tokenProgram, false),
            ],
            data);
}
