using Microsoft.Extensions.Time.Testing;

namespace Billing.Domain.Tests.BillingPeriods;

public class BillingPeriodTests
{
    private static readonly BillingPeriod October = new(2026, 10);

    [Fact]
    public void StartEnd_October_UtcMonthBounds()
    {
        Assert.Equal(new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero), October.Start);
        Assert.Equal(new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero), October.End);
        Assert.Equal(TimeSpan.Zero, October.Start.Offset);
    }

    [Fact]
    public void Contains_Boundaries_HalfOpen()
    {
        Assert.True(October.Contains(October.Start));
        Assert.False(October.Contains(October.Start.AddTicks(-1)));
        Assert.True(October.Contains(October.End.AddTicks(-1)));
        Assert.False(October.Contains(October.End));
    }

    [Fact]
    public void Contains_OffsetInstant_ComparedInUtc()
    {
        // 2026-11-01T01:00+02:00 is 2026-10-31T23:00Z → October.
        var instant = new DateTimeOffset(2026, 11, 1, 1, 0, 0, TimeSpan.FromHours(2));
        Assert.True(October.Contains(instant));
        Assert.Equal(October, BillingPeriod.Containing(instant));
    }

    [Fact]
    public void PreviousNext_YearBoundary_Wraps()
    {
        Assert.Equal(new BillingPeriod(2027, 1), new BillingPeriod(2026, 12).Next);
        Assert.Equal(new BillingPeriod(2025, 12), new BillingPeriod(2026, 1).Previous);
        Assert.Equal(October, October.Next.Previous);
        Assert.Equal(October.End, October.Next.Start);
    }

    [Fact]
    public void HasEnded_AtEnd_TrueJustBefore_False()
    {
        Assert.False(October.HasEnded(October.End.AddTicks(-1)));
        Assert.True(October.HasEnded(October.End));
        var clock = new FakeTimeProvider(October.End.AddSeconds(-1));
        Assert.False(October.HasEnded(clock));
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(October.HasEnded(clock));
    }

    [Fact]
    public void ParseFormat_RoundTrips()
    {
        Assert.Equal(October, BillingPeriod.Parse("2026-10"));
        Assert.Equal("2026-10", October.ToString());
        Assert.Equal("202610", October.ToCompactString());
        Assert.Equal(October, BillingPeriod.ParseCompact("202610"));
        Assert.Equal("0001-01", default(BillingPeriod).ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("2026-13")]
    [InlineData("2026-00")]
    [InlineData("2026-1")]
    [InlineData("26-10")]
    [InlineData("2026/10")]
    [InlineData("2026-10-01")]
    [InlineData("0000-10")]
    [InlineData("2026-1a")]
    [InlineData(" 2026-10")]
    public void Parse_Invalid_ThrowsFormatNamingInput(string text)
    {
        FormatException e = Assert.Throws<FormatException>(() => BillingPeriod.Parse(text));
        Assert.Contains("yyyy-MM", e.Message, StringComparison.Ordinal);
        Assert.False(BillingPeriod.TryParse(text, out _));
    }

    [Fact]
    public void Constructor_InvalidMonth_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BillingPeriod(2026, 13));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BillingPeriod(0, 1));
    }

    [Fact]
    public void Compare_Ordered()
    {
        Assert.True(October < October.Next);
        Assert.True(October.Previous < October);
        Assert.Equal(0, October.CompareTo(new BillingPeriod(2026, 10)));
    }
}
