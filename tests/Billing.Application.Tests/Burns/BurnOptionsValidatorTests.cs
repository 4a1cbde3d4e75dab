namespace Billing.Application.Tests.Burns;

/// <summary>
/// The price band settings (<c>Billing:Burns:MinTokenPriceUsd</c>, <c>MaxTokenPriceUsd</c>) and the retired treasury owners
/// (<c>Billing:Burns:RetiredTreasuryOwners</c>) are checked at start.
/// </summary>
public class BurnOptionsValidatorTests
{
    private static ValidateOptionsResult Validate(string? min, string? max, string? fixedPrice = "2.50", string? pyth = null) =>
        new BurnOptionsValidator().Validate(null, new BurnOptions { FixedPrice = fixedPrice, PythPriceAccount = pyth, MinTokenPriceUsd = min, MaxTokenPriceUsd = max });

    [Theory]
    [InlineData(null, null)]
    [InlineData("", " ")] // an empty app setting is no bound (local.settings.sample.json lists them empty)
    [InlineData("1.00", "10.00")]
    [InlineData("2.50", "2.5")] // the fixed price on both bounds: bounds are inclusive, compared as numbers
    [InlineData("0.000000000000000001", "9223372036854775807")] // the extremes a quote can be
    [InlineData("1", null)]
    [InlineData(null, "10")]
    public void Validate_UsableBand_Succeeds(string? min, string? max)
    {
        var result = Validate(min, max);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("0", null, "Billing:Burns:MinTokenPriceUsd '0'")]
    [InlineData(null, "-1", "Billing:Burns:MaxTokenPriceUsd '-1'")]
    [InlineData("two", null, "Billing:Burns:MinTokenPriceUsd 'two'")]
    [InlineData("1,5", null, "Billing:Burns:MinTokenPriceUsd '1,5'")] // invariant culture: a comma is no decimal point
    [InlineData("1e3", null, "Billing:Burns:MinTokenPriceUsd '1e3'")]
    [InlineData(null, "0.0000000000000000001", "Billing:Burns:MaxTokenPriceUsd '0.0000000000000000001'")] // 19 decimals
    [InlineData(null, "9223372036854775808", "Billing:Burns:MaxTokenPriceUsd '9223372036854775808'")] // beyond a quote's mantissa
    [InlineData("10", "1", "Billing:Burns:MinTokenPriceUsd 10 is above Billing:Burns:MaxTokenPriceUsd 1")]
    [InlineData("3", null, "Billing:Burns:FixedPrice 2.50 is outside the price band 3.. USD")] // every burn would wait for good
    [InlineData(null, "2.49", "Billing:Burns:FixedPrice 2.50 is outside the price band ..2.49 USD")]
    public void Validate_BadBand_FailsNamingTheSetting(string? min, string? max, string expected)
    {
        var result = Validate(min, max);

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_FixedPriceOutsideTheBandWithPyth_Succeeds()
    {
        // FixedPrice is ignored when a Pyth account is set: the feed's quotes are checked against the band on every burn.
        var result = Validate("3", "10", fixedPrice: "2.50", pyth: "11111111111111111111111111111111");

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    /// <summary>The treasury owner of <see cref="CurrentOwnerJson"/>: 32 zero bytes as its seed.</summary>
    private static readonly Keypair CurrentOwner = Keypair.FromSeed(new byte[32]);

    private static string CurrentOwnerJson => "[" + string.Join(",", new byte[32].Concat(CurrentOwner.PublicKey.KeyBytes.ToArray())) + "]";

    private const string SystemProgramKey = "11111111111111111111111111111111";

    private const string TokenProgramKey = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA";

    private static ValidateOptionsResult ValidateRetired(params string[] entries)
    {
        var options = new BurnOptions { FixedPrice = "2.50" };
        foreach (var entry in entries)
        {
            options.RetiredTreasuryOwners.Add(entry);
        }

        return new BurnOptionsValidator(Options.Create(new SolanaOptions { TreasuryKeypair = CurrentOwnerJson })).Validate(null, options);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)] // an empty app setting is no key
    [InlineData(SystemProgramKey, null)]
    [InlineData(SystemProgramKey + ", " + TokenProgramKey + ",", null)] // one comma-separated app setting
    [InlineData(SystemProgramKey, TokenProgramKey)]                     // an array (RetiredTreasuryOwners__0, __1)
    public void Validate_RetiredTreasuryOwnersArePublicKeys_Succeeds(string? first, string? second)
    {
        var result = ValidateRetired([.. new[] { first, second }.OfType<string>()]);

        Assert.True(result.Succeeded, result.FailureMessage);
    }

    [Theory]
    [InlineData("not-base58-0OIl", "key 1")]
    [InlineData(SystemProgramKey + ",abc", "key 2")]
    [InlineData("1111111111111111111111111111111", "key 1")] // 31 bytes
    // A keypair pasted instead of its public key: its 64 numbers, split at the commas. None may reach a log.
    [InlineData("[174,47,154,16,202,193,206,113,199,190,53,133,169,175,31,56,222,53,138,189,224,216,117,173,10,149,53,45,73,251,237,246]", "key 1")]
    public void Validate_RetiredTreasuryOwnerNotAPublicKey_FailsNamingItsPlaceNotItsValue(string entry, string place)
    {
        var result = ValidateRetired(entry);

        Assert.True(result.Failed);
        Assert.Contains($"Billing:Burns:RetiredTreasuryOwners: {place} is not a base58 public key (32 bytes)", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("174", result.FailureMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("0OIl", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RetiredTreasuryOwnersListTheCurrentOwner_Fails()
    {
        // Listed by mistake for the old key, which then is not: the old key's landed burns would stay in flight.
        var result = ValidateRetired($"{SystemProgramKey},{CurrentOwner.PublicKey}");

        Assert.True(result.Failed);
        Assert.Contains($"Billing:Burns:RetiredTreasuryOwners lists {CurrentOwner.PublicKey}, the current treasury owner (Billing:Solana)", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TooManyRetiredTreasuryOwners_Fails()
    {
        var result = ValidateRetired([.. Enumerable.Repeat(SystemProgramKey, BurnOptions.MaxRetiredTreasuryOwners + 1)]);

        Assert.True(result.Failed);
        Assert.Contains($"Billing:Burns:RetiredTreasuryOwners lists {BurnOptions.MaxRetiredTreasuryOwners + 1} keys, at most {BurnOptions.MaxRetiredTreasuryOwners}", result.FailureMessage, StringComparison.Ordinal);
    }
}
