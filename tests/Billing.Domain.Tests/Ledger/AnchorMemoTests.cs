using Billing.Domain.Ledger;

namespace Billing.Domain.Tests.Ledger;

public class AnchorMemoTests
{
    private static readonly string Root = "ab" + new string('0', 60) + "cd";

    [Fact]
    public void Format_Range_DocumentedForm()
    {
        Assert.Equal("billing:anchor:v1:1-42:" + Root, AnchorMemo.Format(1, 42, Root));
        Assert.True(AnchorMemo.TryParse(AnchorMemo.Format(43, 43, Root), out var parsed));
        Assert.Equal(new AnchorMemoContent(43, 43, Root), parsed);
    }

    [Theory]
    [InlineData("billing:anchor:v2:1-2:")]
    [InlineData("billing:anchor:v1:01-2:")]
    [InlineData("billing:anchor:v1:3-2:")]
    [InlineData("billing:anchor:v1:0-2:")]
    [InlineData("billing:anchor:v1:1_2:")]
    [InlineData("billing:anchor:v1:1-2")]
    [InlineData("billing:anchor:v1:1-99999999999999999999:")]
    public void TryParse_NonCanonical_False(string prefix)
    {
        Assert.False(AnchorMemo.TryParse(prefix + Root, out _));
    }

    [Fact]
    public void TryParse_BadRoot_False()
    {
        Assert.False(AnchorMemo.TryParse("billing:anchor:v1:1-2:" + Root.ToUpperInvariant(), out _));
        Assert.False(AnchorMemo.TryParse("billing:anchor:v1:1-2:" + Root[1..], out _));
        Assert.False(AnchorMemo.TryParse(null, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => AnchorMemo.Format(5, 4, Root));
    }
}
