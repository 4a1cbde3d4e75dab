using Billing.Domain.Events;

namespace Billing.Domain.Tests.Events;

public class Rfc3339Tests
{
    [Theory]
    [InlineData("2026-10-20T10:15:00Z", true)]
    [InlineData("2026-10-20T10:15:00.1234567Z", true)]
    [InlineData("2026-10-20t10:15:00z", true)]
    [InlineData("2026-10-20T10:15:00-05:30", true)]
    [InlineData("2026-10-20T10:15:00", false)]
    [InlineData("2026-10-20", false)]
    [InlineData("2026-10-20T10:15:00.12345678Z", false)]
    [InlineData("2026-13-20T10:15:00Z", false)]
    [InlineData("2026-10-20T10:15:00+0200", false)]
    [InlineData("20261020T101500Z", false)]
    public void TryParse_Variants_AcceptsOnlyRfc3339WithOffset(string text, bool ok)
    {
        Assert.Equal(ok, Rfc3339.TryParse(text, out _));
    }

    [Fact]
    public void Format_WholeSecondsAndFractions_RoundTrip()
    {
        var whole = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        var fraction = whole.AddTicks(1234567);

        Assert.Equal("2026-10-01T00:00:00Z", Rfc3339.Format(whole));
        Assert.True(Rfc3339.TryParse(Rfc3339.Format(fraction), out var back));
        Assert.Equal(fraction, back);
    }
}

public class Base58Tests
{
    private static string Encode(byte[] bytes)
    {
        const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
        var n = new System.Numerics.BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        var chars = new List<char>();
        while (n > 0)
        {
            chars.Add(Alphabet[(int)(n % 58)]);
            n /= 58;
        }

        chars.AddRange(bytes.TakeWhile(b => b == 0).Select(_ => '1'));
        chars.Reverse();
        return new string([.. chars]);
    }

    [Fact]
    public void DecodedLength_RandomKeysWithAndWithoutLeadingZeros_Is32()
    {
        var random = new Random(58);
        for (int i = 0; i < 2000; i++)
        {
            var key = new byte[32];
            random.NextBytes(key);
            for (int z = 0; z < i % 4; z++)
            {
                key[z] = 0;
            }

            Assert.Equal(32, Base58.DecodedLength(Encode(key)));
        }
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(1)]
    [InlineData(64)]
    public void DecodedLength_OtherSizes_AreReported(int size)
    {
        var bytes = Enumerable.Range(1, size).Select(i => (byte)((i * 7) % 256)).ToArray();

        Assert.Equal(size, Base58.DecodedLength(Encode(bytes)));
    }

    [Theory]
    [InlineData("0OIl")]
    [InlineData("abc-def")]
    [InlineData("")]
    public void DecodedLength_NotBase58_IsMinusOne(string text)
    {
        Assert.Equal(-1, Base58.DecodedLength(text));
    }
}

public class Rfc3339EdgeTests
{
    [Theory]
    [InlineData("2026-02-29T00:00:00Z")]   // not a leap year
    [InlineData("2026-10-20T24:00:00Z")]
    [InlineData("2026-10-20T10:60:00Z")]
    [InlineData("2026-10-20T10:15:60Z")]   // leap seconds cannot be represented
    [InlineData("2026-10-20T10:15:00+15:00")]
    [InlineData("0000-01-01T00:00:00Z")]
    public void TryParse_OutOfRangeFields_AreRejected(string text)
    {
        Assert.False(Rfc3339.TryParse(text, out _));
    }

    [Fact]
    public void TryParse_FractionAndNegativeOffset_GiveTheExactInstant()
    {
        Assert.True(Rfc3339.TryParse("2026-10-20T05:15:00.25-05:30", out var t));

        Assert.Equal(new DateTimeOffset(2026, 10, 20, 10, 45, 0, TimeSpan.Zero).AddMilliseconds(250), t.ToUniversalTime());
        Assert.Equal(TimeSpan.FromMinutes(-330), t.Offset);
    }
}
