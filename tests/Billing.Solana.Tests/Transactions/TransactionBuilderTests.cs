namespace Billing.Solana.Tests.Transactions;

public sealed class TransactionBuilderTests
{
    private const string Blockhash = "EETubP5AKHgjPAhzPAFcb8BAY1hMH639CWCFTqi3hq1k";

    [Fact]
    public void Build_MissingSigner_Throws()
    {
        using var payer = SeededKeypair(0);
        using var owner = SeededKeypair(7);
        var builder = MemoTransaction(payer, "x", owner.PublicKey);
        Assert.Throws<InvalidOperationException>(() => builder.Build(payer));
    }

    [Fact]
    public void Sign_UnrelatedKeypair_Throws()
    {
        using var payer = SeededKeypair(0);
        using var stranger = SeededKeypair(9);
        var transaction = MemoTransaction(payer, "x").BuildTransaction();
        Assert.Throws<ArgumentException>(() => transaction.Sign(stranger));
    }

    [Fact]
    public void AddSignature_ExternalSignature_CompletesPartialTransaction()
    {
        using var payer = SeededKeypair(0);
        using var owner = SeededKeypair(7);
        var builder = MemoTransaction(payer, "co-signed", owner.PublicKey);
        var partial = builder.BuildTransaction().Sign(payer);
        Assert.Null(partial.Signatures[1]);

        var ownerSignature = owner.Sign(partial.MessageBytes);
        partial.AddSignature(owner.PublicKey, ownerSignature);
        Assert.Equal(builder.Build(payer, owner), partial.Serialize());
        Assert.Throws<ArgumentException>(() => partial.AddSignature(owner.PublicKey, new byte[64]));
    }

    [Fact]
    public void Serialize_TooLarge_Throws()
    {
        using var payer = SeededKeypair(0);
        var transaction = MemoTransaction(payer, new string('x', 1300)).BuildTransaction().Sign(payer);
        Assert.Throws<InvalidOperationException>(() => transaction.Serialize());
    }

    [Fact]
    public void Id_SignedTransaction_IsFeePayerSignature()
    {
        using var payer = SeededKeypair(0);
        var transaction = MemoTransaction(payer, "id").BuildTransaction();
        Assert.Null(transaction.Id);
        transaction.Sign(payer);
        Assert.Equal(Base58.Encode(transaction.Signatures[0]!), transaction.Id);
    }

    /// <summary>A transaction <paramref name="payer"/> pays for, on a fixed blockhash, holding one memo that <paramref name="signers"/> sign.</summary>
    private static TransactionBuilder MemoTransaction(Keypair payer, string memo, params PublicKey[] signers) =>
        new TransactionBuilder().SetFeePayer(payer).SetRecentBlockHash(Blockhash).AddInstruction(MemoProgram.NewMemo(memo, signers));

    /// <summary>A fixed keypair: its 32-byte seed is <paramref name="fill"/> repeated.</summary>
    private static Keypair SeededKeypair(byte fill) => Keypair.FromSeed(Enumerable.Repeat(fill, 32).ToArray());
}
