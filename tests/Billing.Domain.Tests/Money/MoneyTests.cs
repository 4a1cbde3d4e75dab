namespace Billing.Domain.Tests.Monetary;

public class MoneyTests
{
    [Fact]
    public void Add_DifferentCurrencies_Throws()
    {
        var usd = new Money(100, Currency.USD);
        var eur = new Money(100, Currency.EUR);
        Assert.Throws<CurrencyMismatchException>(() => usd + eur);
        Assert.Throws<CurrencyMismatchException>(() => usd - eur);
        Assert.Throws<CurrencyMismatchException>(() => usd < eur);
    }

    [Fact]
    public void Add_Overflow_Throws()
    {
        var max = new Money(long.MaxValue, Currency.USD);
        Assert.Throws<OverflowException>(() => max + new Money(1, Currency.USD));
        Assert.Throws<OverflowException>(() => new Money(long.MinValue, Currency.USD) - new Money(1, Currency.USD));
        Assert.Throws<OverflowException>(() => -new Money(long.MinValue, Currency.USD));
        Assert.Throws<OverflowException>(() => max * 2);
    }

    [Fact]
    public void FromDecimal_TooLarge_ThrowsOverflow()
    {
        Assert.Throws<OverflowException>(() => Money.FromDecimal(100_000_000_000_000_000m, Currency.USD));
    }

    [Theory]
    [InlineData(12, "0.12")]
    [InlineData(0, "0.00")]
    [InlineData(5, "0.05")]
    [InlineData(-5, "-0.05")]
    [InlineData(-12345, "-123.45")]
    [InlineData(10000, "100.00")]
    [InlineData(long.MaxValue, "92233720368547758.07")]
    [InlineData(long.MinValue, "-92233720368547758.08")]
    public void ToString_Usd_InvariantTwoDecimals(long minor, string expected)
    {
        Assert.Equal(expected, new Money(minor, Currency.USD).ToString());
    }

    [Fact]
    public void ToString_ZeroExponentCurrency_NoDecimals()
    {
        Assert.Equal("1234", new Money(1234, Currency.JPY).ToString());
    }

    [Theory]
    [InlineData("0.125", 13)]
    [InlineData("0.124", 12)]
    [InlineData("-0.125", -13)]
    [InlineData("0.005", 1)]
    [InlineData("0.015", 2)]
    [InlineData("0.025", 3)]
    [InlineData("1", 100)]
    public void FromDecimal_Midpoint_RoundsHalfAwayFromZero(string amount, long expectedMinor)
    {
        decimal value = decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expectedMinor, Money.FromDecimal(value, Currency.USD).MinorUnits);
    }

    [Theory]
    [InlineData("0.12", 12)]
    [InlineData("12", 1200)]
    [InlineData("0.1", 10)]
    [InlineData("-3.50", -350)]
    public void Parse_ValidAmount_ReturnsMinorUnits(string text, long expectedMinor)
    {
        Assert.Equal(new Money(expectedMinor, Currency.USD), Money.Parse(text, Currency.USD));
    }

    [Theory]
    [InlineData("")]
    [InlineData("0.123")]
    [InlineData("1e3")]
    [InlineData(" 1")]
    [InlineData("1.")]
    [InlineData(".5")]
    [InlineData("+1")]
    [InlineData("1,00")]
    [InlineData("99999999999999999999")]
    public void Parse_InvalidAmount_ThrowsFormat(string text)
    {
        Assert.Throws<FormatException>(() => Money.Parse(text, Currency.USD));
    }

    [Fact]
    public void ToDecimal_KeepsCurrencyScale()
    {
        Assert.Equal("0.10", new Money(10, Currency.USD).ToDecimal().ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(-1.23m, new Money(-123, Currency.USD).ToDecimal());
    }

    [Fact]
    public void Sum_Empty_IsZeroInCurrency()
    {
        Money sum = Money.Sum([], Currency.EUR);
        Assert.True(sum.IsZero);
        Assert.Equal(Currency.EUR, sum.Currency);
    }

    [Fact]
    public void Currency_FromCode_UnknownCodeNamed()
    {
        ArgumentException e = Assert.Throws<ArgumentException>(() => Currency.FromCode("XXX"));
        Assert.Contains("XXX", e.Message, StringComparison.Ordinal);
        Assert.Same(Currency.USD, Currency.FromCode("USD"));
        Assert.False(Currency.TryFromCode("usd", out _));
    }

    [Fact]
    public void Equality_SameAmountAndCurrency_Equal()
    {
        Assert.Equal(new Money(5, Currency.USD), new Money(5, Currency.USD));
        Assert.NotEqual(new Money(5, Currency.USD), new Money(5, Currency.EUR));
    }

    [Theory]
    [InlineData(233080, "USD", "2,330.80 USD")]
    [InlineData(-5, "EUR", "-0.05 EUR")]
    [InlineData(long.MaxValue, "USD", "92,233,720,368,547,758.07 USD")]
    [InlineData(1234567, "JPY", "1,234,567 JPY")]
    public void ToDisplayString_MinorUnits_ExactMajorUnitsWithSeparatorsAndCode(long minor, string code, string expected)
    {
        Assert.Equal(expected, new Money(minor, Currency.FromCode(code)).ToDisplayString());
    }
}
