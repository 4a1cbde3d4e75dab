namespace Billing.Domain.Tests.Events;

/// <summary>RFC 3339 §5.6 date-time, table-driven from the grammar (and §5.7 for leap seconds).</summary>
public class Rfc3339Tests
{
    [Theory]
    [InlineData("2026-10-20T10:15:00Z")]
    [InlineData("2026-10-20T10:15:00.1Z")]
    [InlineData("2026-10-20T10:15:00.1234567Z")]
    [InlineData("2026-10-20T10:15:00.123456789Z")]                 // Go RFC3339Nano, Rust chrono
    [InlineData("2026-10-20T10:15:00.12345678901234567890Z")]      // any number of digits
    [InlineData("2026-10-20t10:15:00z")]                           // lowercase t and z
    [InlineData("2026-10-20T10:15:00-05:30")]
    [InlineData("2026-10-20T10:15:00+23:59")]
    [InlineData("2026-10-20T10:15:00-23:59")]
    [InlineData("2026-10-20T10:15:00-00:00")]                      // unknown local offset: the UTC instant is known
    [InlineData("2026-12-31T23:59:60Z")]                           // a leap second where one can be
    [InlineData("2026-06-30T23:59:60.5Z")]
    [InlineData("2027-01-01T05:29:60+05:30")]                      // 23:59:60 UTC written with an offset
    [InlineData("2024-02-29T00:00:00Z")]
    public void TryParse_ValidDateTimes_AreAccepted(string text)
    {
        Assert.True(Rfc3339.TryParse(text, out _), text);
        Assert.Null(Rfc3339.Explain(text));
    }

    [Theory]
    [InlineData("2026-10-20T10:15:00", "offset")]
    [InlineData("2026-10-20", "offset")]
    [InlineData("2026-10-20T10:15:00.Z", "offset")]
    [InlineData("2026-10-20T10:15:00+0200", "offset")]
    [InlineData("20261020T101500Z", "offset")]
    [InlineData("2026-10-20 10:15:00Z", "offset")]
    [InlineData("2026-10-20T10:15Z", "offset")]
    [InlineData("+2026-10-20T10:15:00Z", "offset")]
    [InlineData("2026-13-20T10:15:00Z", "out of range")]
    [InlineData("2026-02-29T00:00:00Z", "out of range")]            // not a leap year
    [InlineData("2026-10-20T24:00:00Z", "out of range")]
    [InlineData("2026-10-20T10:60:00Z", "out of range")]
    [InlineData("2026-10-20T10:15:61Z", "out of range")]
    [InlineData("2026-10-20T10:15:00+24:00", "out of range")]
    [InlineData("2026-10-20T10:15:00+05:60", "out of range")]
    [InlineData("0000-01-01T00:00:00Z", "out of range")]
    [InlineData("9999-12-31T23:59:59-01:00", "out of range")]       // past the last representable instant
    [InlineData("2026-10-20T10:15:60Z", "leap second")]
    [InlineData("2026-12-30T23:59:60Z", "leap second")]             // not the last day of the month
    [InlineData("2026-12-31T23:59:60+01:00", "leap second")]        // 22:59:60 UTC
    public void TryParse_InvalidDateTimes_AreRejectedWithTheReason(string text, string reason)
    {
        Assert.False(Rfc3339.TryParse(text, out _), text);
        Assert.Contains(reason, Rfc3339.Explain(text), StringComparison.Ordinal);
    }

    /// <summary>Pairs of spellings of one instant (digits, offsets, case); the event tests check they are one content too.</summary>
    public static TheoryData<string, string> SpellingsOfOneInstant => new()
    {
        { "2026-10-20T10:15:00.1234567Z", "2026-10-20T10:15:00.12345678Z" },
        { "2026-10-20T10:15:00.1234567Z", "2026-10-20T10:15:00.123456799999Z" },
        { "2026-10-20T10:15:00.1234567Z", "2026-10-20t10:15:00.1234567999z" },
        { "2026-10-20T10:15:00.5Z", "2026-10-20T10:15:00.500000000Z" },
        { "2026-10-20T10:15:00Z", "2026-10-20T10:15:00.000000000Z" },
        { "2026-10-20T10:15:00Z", "2026-10-20T15:45:00+05:30" },
        { "2026-10-20T10:15:00Z", "2026-10-21T10:14:00+23:59" },
        { "2026-10-20T10:15:00Z", "2026-10-20t10:15:00z" },
    };

    [Theory]
    [MemberData(nameof(SpellingsOfOneInstant))]
    [InlineData("2026-12-31T23:59:59.25Z", "2026-12-31T23:59:60.25Z")]  // the leap second repeats 23:59:59
    public void TryParse_SpellingsOfOneInstant_GiveTheSameUtcTicks(string a, string b)
    {
        Assert.True(Rfc3339.TryParse(a, out var x));
        Assert.True(Rfc3339.TryParse(b, out var y));

        Assert.Equal(x.UtcTicks, y.UtcTicks);
    }

    [Fact]
    public void TryParse_DigitsBeyond100Nanoseconds_AreTruncatedNeverCarriedIntoTheNextMonth()
    {
        Assert.True(Rfc3339.TryParse("2026-10-31T23:59:59.99999999999Z", out var t));

        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero).UtcTicks - 1, t.UtcTicks);
    }

    [Fact]
    public void TryParse_OffsetBeyondFourteenHours_GivesTheUtcInstant()
    {
        Assert.True(Rfc3339.TryParse("2026-10-20T23:00:00-20:00", out var t));

        Assert.Equal(new DateTimeOffset(2026, 10, 21, 19, 0, 0, TimeSpan.Zero), t);
        Assert.Equal(TimeSpan.Zero, t.Offset);
    }

    [Fact]
    public void TryParse_Utf16AndUtf8_Agree()
    {
        foreach (string text in new[] { "2026-10-20T10:15:00.123456789+23:59", "2026-12-31T23:59:60Z", "2026-10-20T10:15:00" })
        {
            bool a = Rfc3339.TryParse(text, out var x);
            bool b = Rfc3339.TryParse(System.Text.Encoding.UTF8.GetBytes(text), out var y);
            Assert.Equal(a, b);
            Assert.Equal(x, y);
        }
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
    [Fact]
    public void TryParse_FractionAndNegativeOffset_GiveTheExactInstant()
    {
        Assert.True(Rfc3339.TryParse("2026-10-20T05:15:00.25-05:30", out var t));

        Assert.Equal(new DateTimeOffset(2026, 10, 20, 10, 45, 0, TimeSpan.Zero).AddMilliseconds(250), t.ToUniversalTime());
        Assert.Equal(TimeSpan.FromMinutes(-330), t.Offset);
    }
}
