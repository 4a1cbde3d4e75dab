namespace Billing.Domain.Tests.Ledger;

public class AnchorMemoTests
{
    private static readonly string Root = "ab" + new string('0', 60) + "cd";
    private static readonly string Prev = new('1', 64);

    [Fact]
    public void Format_Range_DocumentedForm()
    {
        Assert.Equal($"billing:anchor:v2:prod:main:1-42:{Root}:{Prev}", AnchorMemo.Format("prod", "main", 1, 42, Root, Prev));
        Assert.True(AnchorMemo.TryParse(AnchorMemo.Format("prod", "main", 43, 43, Root, Prev), out var parsed));
        Assert.Equal(new AnchorMemoContent("prod", "main", 43, 43, Root, Prev), parsed);
    }

    [Theory]
    [InlineData("billing:anchor:v1:prod:main:1-2:")]
    [InlineData("billing:anchor:v2:prod:main:01-2:")]
    [InlineData("billing:anchor:v2:prod:main:3-2:")]
    [InlineData("billing:anchor:v2:prod:main:0-2:")]
    [InlineData("billing:anchor:v2:prod:main:1_2:")]
    [InlineData("billing:anchor:v2:prod:1-2:")]
    [InlineData("billing:anchor:v2::main:1-2:")]
    [InlineData("billing:anchor:v2:prod:ma in:1-2:")]
    [InlineData("billing:anchor:v2:prod:main:1-99999999999999999999:")]
    public void TryParse_NonCanonical_False(string prefix)
    {
        Assert.False(AnchorMemo.TryParse(prefix + Root + ":" + Prev, out _));
    }

    [Fact]
    public void TryParse_BadRoots_False()
    {
        Assert.False(AnchorMemo.TryParse($"billing:anchor:v2:prod:main:1-2:{Root.ToUpperInvariant()}:{Prev}", out _));
        Assert.False(AnchorMemo.TryParse($"billing:anchor:v2:prod:main:1-2:{Root[1..]}:{Prev}", out _));
        Assert.False(AnchorMemo.TryParse($"billing:anchor:v2:prod:main:1-2:{Root}", out _));
        Assert.False(AnchorMemo.TryParse($"billing:anchor:v2:prod:main:1-2:{Root}:{Prev}:x", out _));
        Assert.False(AnchorMemo.TryParse(null, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => AnchorMemo.Format("prod", "main", 5, 4, Root, Prev));
        Assert.Throws<ArgumentException>(() => AnchorMemo.Format("a:b", "main", 1, 4, Root, Prev));
    }
}
