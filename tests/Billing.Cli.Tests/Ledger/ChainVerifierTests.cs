using Billing.Domain.Ledger;

namespace Billing.Cli.Tests.Ledger;

/// <summary>
/// <c>billing ledger verify --authority</c> on a live book: the API's pages are read one after another while the platform
/// books, so each page's head (read after its rows) can be past the rows read. The stub plays those pages.
/// </summary>
public class ChainVerifierTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    /// <summary>Payments evt_1 … evt_<paramref name="count"/>, sealed and linked; entry i of <paramref name="cents"/>(i) (default 100 × i).</summary>
    internal static List<LedgerEntry> Book(int count, Func<int, long>? cents = null)
    {
        var entries = new List<LedgerEntry>();
        string previous = LedgerEntry.GenesisHash;
        for (int i = 1; i <= count; i++)
        {
            var draft = LedgerEntries.PaymentReceived($"evt_{i}", "INV-carrier-tmo-202610", "carrier-tmo", cents?.Invoke(i) ?? 100 * i, "USD", Now)!;
            entries.Add(LedgerEntry.Seal("main", i, previous, draft));
            previous = entries[^1].Hash;
        }

        return entries;
    }

    /// <summary>A page of the entries from <paramref name="from"/> to <paramref name="to"/> with the head at <paramref name="head"/>.</summary>
    internal static string Page(List<LedgerEntry> book, int from, int to, int head) => new JsonObject
    {
        ["book"] = "main",
        ["head"] = new JsonObject { ["sequence"] = head, ["hash"] = book[head - 1].Hash },
        ["entries"] = new JsonArray([.. book.Skip(from - 1).Take(to - from + 1).Select(e =>
        {
            var node = LedgerEntryJson.ToJson(e);
            node["recordedAt"] = Now.ToString("O", CultureInfo.InvariantCulture);
            return (JsonNode)node;
        })]),
        ["next"] = null,
        ["unreadable"] = new JsonArray(),
    }.ToJsonString();

    private static Task<StubServer> ServeAsync(Func<string, string> pageFor) => StubServer.StartAsync((r, _) => r.Method == "POST"
        ? (200, "application/json", """{"jsonrpc":"2.0","id":1,"result":[]}""") // the authority has signed no anchor memo yet
        : (200, "application/json", pageFor(r.PathAndQuery)));

    private static Task<CliHarness.Result> VerifyAsync(StubServer server) =>
        CliHarness.RunAsync("ledger", "verify", "--url", server.Url, "--rpc", server.Url, "--authority", "11111111111111111111111111111111", "--ledger", "billing");

    [Fact]
    public async Task VerifyBook_EntriesBookedWhileTheBookIsRead_VerifiesUpToTheHeadAndLeavesTheRest()
    {
        var book = Book(4);
        // Entry 3 was booked between the rows and the head of the first page; entry 4 after the head of the second.
        await using var server = await ServeAsync(path => path.Contains("from=1&", StringComparison.Ordinal) ? Page(book, 1, 2, head: 3) : Page(book, 3, 4, head: 4));

        var result = await VerifyAsync(server);

        // Before: the first head (3) against the last row read (2) was a HeadMismatch, and exit 1.
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("ledger verify (chain): ok (3 entries, 0 anchors on chain)", result.Out, StringComparison.Ordinal);
        Assert.Contains(server.Requests, r => r.PathAndQuery.Contains("from=3&", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyBook_RowPastTheHeadReadAfterIt_IsReported()
    {
        var book = Book(3);
        await using var server = await ServeAsync(_ => Page(book, 1, 3, head: 2)); // row 3 was there before the head was read: planted

        var result = await VerifyAsync(server);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(nameof(LedgerProblemKind.HeadMismatch), result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBook_HeadPastRowsThatNeverArrive_IsReported()
    {
        var book = Book(3);
        await using var server = await ServeAsync(path => path.Contains("from=1&", StringComparison.Ordinal) ? Page(book, 1, 2, head: 3) : Page(book, 3, 2, head: 3)); // row 3 deleted

        var result = await VerifyAsync(server);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(nameof(LedgerProblemKind.HeadMismatch), result.Out, StringComparison.Ordinal);
    }
}
