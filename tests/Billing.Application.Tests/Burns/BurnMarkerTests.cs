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
    public void For_LedgerNameHoldingTheSeparator_Throws() =>
        Assert.Throws<ArgumentException>(() => BurnMarker.For(Treasury, "billing:x", "burn-1")); // "billing:x"+"burn-1" would read as "billing"+"x:burn-1"
}
