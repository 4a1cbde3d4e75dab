namespace Billing.Domain.Tests.Ledger;

public class HeartbeatMemoTests
{
    private static readonly string Root = "ab" + new string('0', 60) + "cd";

    [Fact]
    public void Format_AnchorNamed_DocumentedFormAndParsesBack()
    {
        Assert.Equal($"billing:heartbeat:v1:prod:main:42:{Root}", HeartbeatMemo.Format("prod", "main", 42, Root));
        Assert.True(HeartbeatMemo.TryParse(HeartbeatMemo.Format("prod", "main", 42, Root), out var parsed));
        Assert.Equal(new HeartbeatMemoContent("prod", "main", 42, Root), parsed);
        Assert.True(HeartbeatMemo.TryParse($"billing:heartbeat:v1:prod:main:0:{AnchorMemo.NoPreviousRoot}", out var none));
        Assert.Equal(0, none.ToSeq);
    }

    [Theory]
    [InlineData("billing:heartbeat:v2:prod:main:1:")]
    [InlineData("billing:heartbeat:v1:prod:main:01:")]
    [InlineData("billing:heartbeat:v1:prod:main:-1:")]
    [InlineData("billing:heartbeat:v1:prod:main::")]
    [InlineData("billing:heartbeat:v1:prod:main:0:")] // sequence 0 names no anchor, so only the zero root
    [InlineData("billing:heartbeat:v1:prod:main:1-2:")]
    [InlineData("billing:heartbeat:v1:prod:1:")]
    [InlineData("billing:heartbeat:v1::main:1:")]
    [InlineData("billing:heartbeat:v1:prod:ma in:1:")]
    [InlineData("billing:heartbeat:v1:prod:main:99999999999999999999:")]
    [InlineData("billing:anchor:v2:prod:main:1:")]
    public void TryParse_NonCanonical_False(string prefix)
    {
        Assert.False(HeartbeatMemo.TryParse(prefix + Root, out _));
    }

    [Fact]
    public void TryParse_BadRoots_False()
    {
        Assert.False(HeartbeatMemo.TryParse($"billing:heartbeat:v1:prod:main:1:{Root.ToUpperInvariant()}", out _));
        Assert.False(HeartbeatMemo.TryParse($"billing:heartbeat:v1:prod:main:1:{Root[1..]}", out _));
        Assert.False(HeartbeatMemo.TryParse($"billing:heartbeat:v1:prod:main:1:{Root}:x", out _));
        Assert.False(HeartbeatMemo.TryParse(null, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => HeartbeatMemo.Format("prod", "main", -1, Root));
        Assert.Throws<ArgumentException>(() => HeartbeatMemo.Format("prod", "main", 0, Root));
        Assert.Throws<ArgumentException>(() => HeartbeatMemo.Format("a:b", "main", 1, Root));
    }

    [Fact]
    public void TryParse_SequenceWithTheEmptyBooksRoot_False()
    {
        // The platform names an anchor's root (a SHA-256, never 64 zeros) with its sequence, and 64 zeros only with 0.
        Assert.False(HeartbeatMemo.TryParse($"billing:heartbeat:v1:prod:main:5:{AnchorMemo.NoPreviousRoot}", out _));
        Assert.Throws<ArgumentException>(() => HeartbeatMemo.Format("prod", "main", 5, AnchorMemo.NoPreviousRoot));
    }

    [Fact]
    public void TryParse_SequenceZeroWithARoot_False()
    {
        Assert.False(HeartbeatMemo.TryParse($"billing:heartbeat:v1:prod:main:0:{Root}", out _));
        Assert.Throws<ArgumentException>(() => HeartbeatMemo.Format("prod", "main", 0, Root));
    }
}
