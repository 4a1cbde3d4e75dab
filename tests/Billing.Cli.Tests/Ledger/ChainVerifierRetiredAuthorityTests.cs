using Billing.Domain.Ledger;
using Billing.Solana.Keys;
using Billing.Solana.Rpc;

namespace Billing.Cli.Tests.Ledger;

/// <summary>
/// <c>billing ledger verify --rpc --authority &lt;new&gt; --retired-authority &lt;old&gt;</c> across a change of the anchor
/// authority, staged as the platform makes it: the old key anchored entries 1, 2 and 3 one by one, then the new key
/// anchors the book again from entry 1, with no link to the old key's anchors. Memos signed on the real localnet by two
/// keys of the test's own under a ledger name of its own; the API's entry pages come from a stub.
/// </summary>
[Collection(LocalnetCollection.Name)]
public class ChainVerifierRetiredAuthorityTests(LocalnetFixture localnet)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string ledger = "cli" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>
    /// The old key's anchors 1-1, 2-2 and 3-3 of <paramref name="anchoredByOld"/> (linked, unless
    /// <paramref name="thirdPreviousRoot"/> says what the third links to), then the new key's one anchor of the whole of
    /// <paramref name="anchoredByNew"/>. Returns both public keys and the old key's transactions, oldest first.
    /// </summary>
    private async Task<(string Old, string New, IReadOnlyList<string> OldAnchors)> KeyChangedAsync(List<LedgerEntry> anchoredByOld, List<LedgerEntry> anchoredByNew, string? thirdPreviousRoot = null)
    {
        var rpc = localnet.CreateClient();
        using var old = await FundedKeyAsync(rpc);
        using var current = await FundedKeyAsync(rpc);
        string previous = AnchorMemo.NoPreviousRoot;
        var signatures = new List<string>();
        for (int sequence = 1; sequence <= 3; sequence++)
        {
            string root = MerkleTree.Root(anchoredByOld[(sequence - 1)..sequence]);
            string links = sequence == 3 && thirdPreviousRoot is not null ? thirdPreviousRoot : previous;
            signatures.Add(await LocalnetFixture.SendMemoAsync(rpc, old, AnchorMemo.Format(ledger, "main", sequence, sequence, root, links), Ct));
            previous = root;
        }

        await LocalnetFixture.SendMemoAsync(rpc, current, AnchorMemo.Format(ledger, "main", 1, anchoredByNew.Count, MerkleTree.Root(anchoredByNew), AnchorMemo.NoPreviousRoot), Ct);
        return (old.PublicKey.ToString(), current.PublicKey.ToString(), signatures);
    }

    private static async Task<Keypair> FundedKeyAsync(SolanaRpcClient rpc)
    {
        var key = Keypair.Generate();
        await rpc.RequestAirdropAsync(key.PublicKey, 1_000_000_000, Commitment.Confirmed, Ct);
        return key;
    }

    /// <summary>The API's answer: every entry of <paramref name="book"/> on one page.</summary>
    private static Task<StubServer> ServeAsync(List<LedgerEntry> book) =>
        StubServer.StartAsync((_, _) => (200, "application/json", ChainVerifierTests.Page(book, 1, book.Count, head: book.Count)));

    private Task<CliHarness.Result> VerifyAsync(StubServer api, string authority, params string[] extra) =>
        CliHarness.RunAsync(["ledger", "verify", "--url", api.Url, "--rpc", localnet.RpcUrl.ToString(), "--authority", authority, "--ledger", ledger, .. extra]);

    [Fact]
    public async Task VerifyBook_KeyChangedOverAnIntactBook_OkWithTheRetiredKeysAnchorsCounted()
    {
        var book = ChainVerifierTests.Book(4);
        var (old, current, _) = await KeyChangedAsync(book, book);
        await using var api = await ServeAsync(book);

        var result = await VerifyAsync(api, current, "--retired-authority", old);

        // Entry 4 is the new key's only: the old key stopped anchoring at the change, so nothing is NotAnchored or stalled for it.
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"ledger verify (chain): ok (4 entries, 1 anchors on chain; retired authority {old}: 3 anchors)", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyBook_BookRewrittenBeforeTheNewKeysFirstAnchor_FailsNamingTheRetiredKeysAnchors()
    {
        var original = ChainVerifierTests.Book(4);
        var rewritten = ChainVerifierTests.Book(4, i => i == 2 ? 99_900 : 100 * i); // entry 2 changed, 2-4 re-hashed
        var (old, current, oldAnchors) = await KeyChangedAsync(original, rewritten); // the new key anchors the rewrite
        await using var api = await ServeAsync(rewritten);

        var newKeyOnly = await VerifyAsync(api, current);
        var withRetired = await VerifyAsync(api, current, "--retired-authority", old);

        // The reason for the option: the new key's anchors cover the rewritten book from entry 1 and link to nothing before.
        Assert.True(newKeyOnly.ExitCode == 0, newKeyOnly.ToString());
        Assert.True(withRetired.ExitCode == 1, withRetired.ToString());
        Assert.Contains($"ledger verify (chain): FAILED (4 entries, 1 anchors on chain, 2 problem(s); retired authority {old}: 3 anchors)", withRetired.Out, StringComparison.Ordinal);
        string line = Assert.Single(withRetired.Out.Split('\n'), l => l.Contains("anchor 2-2", StringComparison.Ordinal));
        Assert.Contains("RetiredAnchorMismatch", line, StringComparison.Ordinal);
        Assert.Contains(old, line, StringComparison.Ordinal);
        Assert.Contains(oldAnchors[1], line, StringComparison.Ordinal);
        Assert.Contains(MerkleTree.Root(original[1..2]), line, StringComparison.Ordinal);
        Assert.Contains(MerkleTree.Root(rewritten[1..2]), line, StringComparison.Ordinal);
        Assert.Contains("rewritten after that key anchored it", line, StringComparison.Ordinal);
        Assert.Contains(oldAnchors[2], withRetired.Out, StringComparison.Ordinal); // 3-3: re-hashed with it
        Assert.DoesNotContain(oldAnchors[0], withRetired.Out, StringComparison.Ordinal); // 1-1 still holds
    }

    [Fact]
    public async Task VerifyBook_RetiredKeysAnchorsDoNotLink_ReportedNamingTheKey()
    {
        var book = ChainVerifierTests.Book(4);
        var (old, current, oldAnchors) = await KeyChangedAsync(book, book, thirdPreviousRoot: MerkleTree.Root(book[..1])); // 3-3 links past 2-2
        await using var api = await ServeAsync(book);

        var result = await VerifyAsync(api, current, "--retired-authority", old);

        Assert.True(result.ExitCode == 1, result.ToString());
        string line = Assert.Single(result.Out.Split('\n'), l => l.Contains(nameof(LedgerProblemKind.AnchorLinkBroken), StringComparison.Ordinal));
        Assert.Contains($"retired authority {old}", line, StringComparison.Ordinal);
        Assert.Contains(oldAnchors[2], line, StringComparison.Ordinal);
    }
}
