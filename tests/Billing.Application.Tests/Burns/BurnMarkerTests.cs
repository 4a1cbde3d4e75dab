namespace Billing.Application.Tests.Burns;

/// <summary>Which marker a burn gets: the same after any restart, another for another environment or burn.</summary>
public class BurnMarkerTests
{
    private static readonly Keypair Treasury = Keypair.FromSeed(new byte[32]);

    [Fact]
    public void For_SameTreasuryEnvironmentAndBurn_SameMarkerEveryTime()
    {
        var marker = BurnMarker.For(Treasury, "billing", "burn-INV-carrier-tmo-202611");

        Assert.Equal(marker, BurnMarker.For(Keypair.FromSeed(new byte[32]), "billing", "burn-INV-carrier-tmo-202611"));
        Assert.Equal(PublicKey.MaxSeedLength, System.Text.Encoding.UTF8.GetByteCount(marker.Seed));
        Assert.Equal(PublicKey.CreateWithSeed(Treasury.PublicKey, marker.Seed, Billing.Solana.Programs.SystemProgram.ProgramIdKey), marker.Address);
    }

    [Theory]
    [InlineData("staging", "burn-INV-carrier-tmo-202611")] // another environment sharing the treasury
    [InlineData("", "burn-INV-carrier-tmo-202611")]        // tables without a prefix are an environment too
    [InlineData("billing", "burn-INV-carrier-tmo-202612")] // another burn
    public void For_AnotherEnvironmentOrBurn_AnotherMarker(string environment, string burnId) =>
        Assert.NotEqual(BurnMarker.For(Treasury, "billing", "burn-INV-carrier-tmo-202611").Address, BurnMarker.For(Treasury, environment, burnId).Address);

    [Fact]
    public void For_EnvironmentHoldingTheSeparator_Throws() =>
        Assert.Throws<ArgumentException>(() => BurnMarker.For(Treasury, "billing:x", "burn-1")); // "billing:x"+"burn-1" would read as "billing"+"x:burn-1"
}
