namespace Billing.Cli.Tests.Rendering;

public sealed class AmountsTests
{
    [Theory]
    [InlineData("233080", "USD", null, "2,330.80 USD")]
    [InlineData("-5", "EUR", null, "-0.05 EUR")]
    [InlineData("1234567", "JPY", null, "1,234,567 JPY")]
    [InlineData("9223372036854775807", "USD", null, "92,233,720,368,547,758.07 USD")]
    [InlineData("93232000000", "TOKEN", 8, "932.32000000 TOKEN")]
    [InlineData("-7", "TOKEN", 8, "-0.00000007 TOKEN")]
    [InlineData("93232000000", "TOKEN", null, "93232000000 TOKEN base units")]
    [InlineData("12", "XYZ", null, "12 XYZ")]
    public void Balance_IntegerUnits_MajorUnitsExactly(string amount, string asset, int? decimals, string expected)
    {
        Assert.Equal(expected, Amounts.Balance(amount, asset, decimals));
    }

    [Theory]
    [InlineData("2330.80", "USD", "2,330.80 USD")]
    [InlineData("0.1", "USD", "0.10 USD")]
    [InlineData("not-money", "USD", "not-money USD")]
    public void Major_ApiDecimalString_GroupedWithCurrency(string amount, string currency, string expected)
    {
        Assert.Equal(expected, Amounts.Major(amount, currency));
    }

    [Theory]
    [InlineData("5Kq3Vd9xR2mJYwTqz8NfA4pLsB7cHeU1gWiXoZkD6rMtQn3yEvGbCu2aSjPhFw9LxTdRe8KmYq7NzBa4VcUo1x9Tz", "5Kq3…x9Tz")]
    [InlineData("short", "short")]
    [InlineData("123456789", "123456789")]
    public void Abbreviate_LongValue_HeadEllipsisTail(string value, string expected)
    {
        Assert.Equal(expected, Ids.Abbreviate(value));
    }

    [Fact]
    public void Invoice_LongId_KeepsThePeriod()
    {
        Assert.Equal("INV-carrier-tmo-202611", Ids.Invoice("INV-carrier-tmo-202611"));
        Assert.Equal("INV-carrier-with…-202611", Ids.Invoice("INV-carrier-with-a-very-long-partner-name-202611"));
    }
}
