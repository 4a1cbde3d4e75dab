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
