using System.Buffers.Binary;

namespace Billing.Application.Tests.Burns;

public class PythPriceOracleTests
{
    private static byte[] Account(long price, ulong confidence, int exponent, long timestamp, uint status = 1, uint magic = PythPriceOracle.Magic)
    {
        var data = new byte[3312];
        BinaryPrimitives.WriteUInt32LittleEndian(data, magic);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(20), exponent);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(96), timestamp);
        BinaryPrimitives.WriteInt64LittleEndian(data.AsSpan(208), price);
        BinaryPrimitives.WriteUInt64LittleEndian(data.AsSpan(216), confidence);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(224), status);
        return data;
    }

    [Fact]
    public void Parse_TradingAccount_ReadsPriceExponentConfidenceAndPublishTime()
    {
        var quote = PythPriceOracle.Parse(Account(250_123_456, 42_000, -8, 1_790_000_000), "acct");

        Assert.Equal((250_123_456L, -8, 42_000L), (quote.Mantissa, quote.Exponent, quote.Confidence));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_790_000_000), quote.PublishTime);
        Assert.Equal("2.50123456", quote.ToString());
    }

    [Fact]
    public void Parse_NotTrading_Throws()
    {
        Assert.Throws<InvalidDataException>(() => PythPriceOracle.Parse(Account(250, 1, -2, 1, status: 2), "acct"));
    }

    [Fact]
    public void Parse_WrongMagicOrShort_Throws()
    {
        Assert.Throws<InvalidDataException>(() => PythPriceOracle.Parse(Account(250, 1, -2, 1, magic: 1), "acct"));
        Assert.Throws<InvalidDataException>(() => PythPriceOracle.Parse(new byte[100], "acct"));
    }

    [Theory]
    [InlineData(-19, 0UL, 1L, "exponent -19")]
    [InlineData(19, 0UL, 1L, "exponent 19")]
    [InlineData(-8, 1UL << 63, 1L, "confidence 9223372036854775808")]
    [InlineData(-8, 0UL, long.MaxValue, "publish time")]
    [InlineData(-8, 0UL, -1L, "publish time")]
    public void Parse_FieldNoPriceHas_ThrowsInvalidDataNamingIt(int exponent, ulong confidence, long timestamp, string named)
    {
        // InvalidDataException is what the burn executor waits on (a halted feed), where an overflow or an out-of-range
        // argument failed the burn for good.
        var e = Assert.Throws<InvalidDataException>(() => PythPriceOracle.Parse(Account(250, confidence, exponent, timestamp), "acct"));
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }
}

