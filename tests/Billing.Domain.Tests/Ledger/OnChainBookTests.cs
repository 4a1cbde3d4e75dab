namespace Billing.Domain.Tests.Ledger;

public class OnChainBookTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Limit = TimeSpan.FromHours(6);
    private static readonly string Root = new('a', 64);

    private static long Unix(DateTimeOffset at) => at.ToUnixTimeSeconds();

    [Fact]
    public void Add_MemosOfTheBook_SortedIntoAnchorsHeartbeatsAndRejected()
    {
        var book = new OnChainBook("prod", "main");

        book.Add(AnchorMemo.Format("prod", "main", 1, 3, Root, AnchorMemo.NoPreviousRoot), "sigA", 1, Unix(Now));
        book.Add(HeartbeatMemo.Format("prod", "main", 3, Root), "sigH", 2, Unix(Now));
        book.Add($"billing:heartbeat:v1:prod:main:3:{AnchorMemo.NoPreviousRoot}", "sigX", 3, Unix(Now));
        book.Add(HeartbeatMemo.Format("prod", "other", 3, Root), "sigO", 4, Unix(Now)); // another book's: none of this one's

        Assert.Equal("sigA", Assert.Single(book.Anchors).Signature);
        Assert.Equal("sigH", Assert.Single(book.Heartbeats).Signature);
        Assert.Equal("sigX", Assert.Single(book.Rejected).Signature);
    }

    [Theory]
    [InlineData("billing:heartbeat:v1:prod:main:3:aaaa")]
    [InlineData("billing:heartbeat:v1:prod:main:")]
    [InlineData("billing:heartbeat:v1:prod:main:01:\n")]
    [InlineData("billing:heartbeat:v1:prod:main:99999999999999999999999999999:x")]
    public void Liveness_RejectedHeartbeatMemoAfterAStall_ReportedAndTheStallStays(string memo)
    {
        var book = new OnChainBook("prod", "main");
        book.Add(AnchorMemo.Format("prod", "main", 1, 3, Root, AnchorMemo.NoPreviousRoot), "sigA", 1, Unix(Now.AddHours(-7)));
        book.Add(memo + new string('z', 300), "sigX", 2, Unix(Now.AddMinutes(-1)));

        var problems = book.Liveness(hasEntries: true, Now, Limit);

        Assert.Equal([LedgerProblemKind.HeartbeatMismatch, LedgerProblemKind.AnchoringStalled], problems.Select(p => p.Kind));
        Assert.Contains("sigX", problems[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", problems[0].Message, StringComparison.Ordinal);
        Assert.True(problems[0].Message.Length < 400, problems[0].Message);
    }
}
