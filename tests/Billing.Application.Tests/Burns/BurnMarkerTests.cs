using Billing.Solana.Programs;
using Billing.Solana.Transactions;

namespace Billing.Application.Tests.Burns;

/// <summary>Which marker a burn gets: the same after any restart, another for another ledger name or burn.</summary>
public class BurnMarkerTests
{
    private static readonly Keypair Treasury = Keypair.FromSeed(new byte[32]);

    [Fact]
    public void For_SameTreasuryLedgerNameAndBurn_SameMarkerEveryTime()
    {
        var marker = BurnMarker.For(Treasury, "billing", "burn-INV-carrier-tmo-202611");

        Assert.Equal(marker, BurnMarker.For(Keypair.FromSeed(new byte[32]), "billing", "burn-INV-carrier-tmo-202611"));
        Assert.Equal(PublicKey.MaxSeedLength, System.Text.Encoding.UTF8.GetByteCount(marker.Seed));
        Assert.Equal(PublicKey.CreateWithSeed(Treasury.PublicKey, marker.Seed, Billing.Solana.Programs.SystemProgram.ProgramIdKey), marker.Address);
    }

    [Theory]
    [InlineData("staging", "burn-INV-carrier-tmo-202611")] // another deployment sharing the treasury
    [InlineData("Billing", "burn-INV-carrier-tmo-202611")] // names are exact, as in anchor memos
    [InlineData("billing", "burn-INV-carrier-tmo-202612")] // another burn
    public void For_AnotherLedgerNameOrBurn_AnotherMarker(string ledgerName, string burnId) =>
        Assert.NotEqual(BurnMarker.For(Treasury, "billing", "burn-INV-carrier-tmo-202611").Address, BurnMarker.For(Treasury, ledgerName, burnId).Address);

    [Fact]
    public void AddressIn_SignedTransactionSettingTheMarker_ItsAddressReadFromTheBytes()
    {
        var marker = BurnMarker.For(Treasury, "billing", "burn-INV-carrier-tmo-202611");
        var builder = new TransactionBuilder().SetFeePayer(Treasury).SetRecentBlockHash(new PublicKey(new byte[32]).ToString());
        foreach (var instruction in marker.Set(897_840))
        {
            builder.AddInstruction(instruction);
        }

        string stored = Convert.ToBase64String(builder.AddInstruction(MemoProgram.NewMemo("billing:burn:v1:x", Treasury.PublicKey)).BuildTransaction().Sign(Treasury).Serialize());

        Assert.Equal(marker.Address, BurnMarker.AddressIn(stored));
        Assert.Equal((marker.Address, 1), BurnMarker.FindIn(stored)); // the allocation follows the rent's transfer
    }

    [Theory]
    [InlineData(null)] // not signed yet
    [InlineData("not base64!")]
    [InlineData("AAAA")] // base64 of bytes that are no transaction
    public void AddressIn_NoneOrUnreadable_Null(string? stored) => Assert.Null(BurnMarker.AddressIn(stored));

    [Fact]
    public void AddressIn_TransactionWithoutMarker_Null()
    {
        string stored = Convert.ToBase64String(new TransactionBuilder().SetFeePayer(Treasury).SetRecentBlockHash(new PublicKey(new byte[32]).ToString())
            .AddInstruction(MemoProgram.NewMemo("billing:burn:v1:x", Treasury.PublicKey)).BuildTransaction().Sign(Treasury).Serialize());

        Assert.Null(BurnMarker.AddressIn(stored)); // a burn signed before markers
    }

    [Fact]
    public void For_LedgerNameHoldingTheSeparator_Throws() =>
        Assert.Throws<ArgumentException>(() => BurnMarker.For(Treasury, "billing:x", "burn-1")); // "billing:x"+"burn-1" would read as "billing"+"x:burn-1"
}
