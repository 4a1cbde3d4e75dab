namespace Billing.Application.Tests.Burns;

/// <summary>The price band settings (<c>Billing:Burns:MinTokenPriceUsd</c>, <c>MaxTokenPriceUsd</c>) are checked at start.</summary>
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
}
