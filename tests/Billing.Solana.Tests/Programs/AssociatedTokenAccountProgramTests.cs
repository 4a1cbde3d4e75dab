namespace Billing.Solana.Tests.Programs;

public sealed class AssociatedTokenAccountProgramTests
{
    [Fact]
    public void DeriveAssociatedTokenAccount_OwnerVectors_MatchSplToken()
    {
        var owners = VectorFile.Load("derivations.json").Array("owners").ToList();
        Assert.True(owners.Count >= 100);
        foreach (var o in owners)
        {
            using var keypair = Keypair.FromSeed(Convert.FromHexString(o.Str("seed")));
            Assert.Equal(o.Str("owner"), keypair.PublicKey.ToString());
            Assert.Equal(o.Str("ata"), AssociatedTokenAccountProgram.DeriveAssociatedTokenAccount(keypair.PublicKey, new PublicKey(o.Str("mint"))).ToString());
            Assert.Equal(o.Str("ownAta"), AssociatedTokenAccountProgram.DeriveAssociatedTokenAccount(keypair.PublicKey, new PublicKey(o.Str("ownMint"))).ToString());
        }
    }

    [Fact]
    public void CreateIdempotent_Accounts_FollowProgramLayout()
    {
        var payer = new PublicKey(new byte[32].Select((_, i) => (byte)(i + 1)).ToArray());
        var owner = new PublicKey(new byte[32].Select((_, i) => (byte)(i + 2)).ToArray());
        var mint = new PublicKey(new byte[32].Select((_, i) => (byte)(i + 3)).ToArray());
        var ix = AssociatedTokenAccountProgram.CreateIdempotent(payer, owner, mint);
        Assert.Equal(AssociatedTokenAccountProgram.ProgramIdKey, ix.ProgramId);
        Assert.Equal([1], ix.Data.ToArray());
        Assert.Equal(6, ix.Keys.Count);
        Assert.True(ix.Keys[0].IsSigner && ix.Keys[0].IsWritable);
        Assert.Equal(AssociatedTokenAccountProgram.DeriveAssociatedTokenAccount(owner, mint), ix.Keys[1].PublicKey);
    }
}
