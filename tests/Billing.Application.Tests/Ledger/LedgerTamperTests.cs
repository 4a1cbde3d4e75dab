namespace Billing.Application.Tests.Ledger;

/// <summary>
/// The insider with the storage account key (not the anchor authority's key): every edit of issue 12 is detected by
/// verify, and the anchor service never signs a forged history. Real Azurite and a private localnet.
/// </summary>
public class LedgerTamperTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private Task<LedgerTestSetup> NewAsync() => LedgerTestSetup.NewAsync(chain, LedgerTestOptions.ShortAnchorWindow());

    /// <summary>Two entries (100 and 200 cents) booked and anchored on chain, then rewritten by the insider (entry 1 → 1 cent).</summary>
    private async Task<LedgerTestSetup> AnchoredThenRewrittenAsync()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100, 200);
        await s.RewriteAsync(1, 1);
        return s;
    }

    private static async Task<string> ForgedRootAsync(LedgerTestSetup s, long from, long to) =>
        MerkleTree.Root((await s.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct)).Where(e => e.Sequence >= from && e.Sequence <= to).ToList());

    private static LedgerAnchor WithRoot(LedgerAnchor a, string root) => new(a.Book, a.FromSeq, a.ToSeq, root, a.CreatedAt)
    {
        Ledger = a.Ledger, PreviousRootHex = a.PreviousRootHex, Signature = a.Signature, Slot = a.Slot, Status = a.Status,
    };

    private static async Task<IReadOnlyList<OnChainAnchor>> AnchorsOnChainAsync(LedgerTestSetup s)
    {
        var key = (await s.Authority.GetAsync(Ct)).PublicKey;
        return await new AnchorChainReader(s.Rpc).ReadAllAsync(key, s.Authority.LedgerName, LedgerEntries.MainBook, Ct);
    }

    [Fact]
    public async Task Verify_LegitimateLedgerAnchoredTwice_OkAndMemosLink()
    {
        var s = await NewAsync();
        var first = await s.BookAndAnchorAsync(100, 200);
        await s.BookAsync("adj-3", 300);
        var second = await s.Anchoring.RunAsync(Ct);

        Assert.True(AnchorMemo.TryParse(first.Memo, out var a));
        Assert.True(AnchorMemo.TryParse(second.Memo, out var b));
        Assert.Equal((1L, 2L, AnchorMemo.NoPreviousRoot), (a.FromSeq, a.ToSeq, a.PreviousRootHex));
        Assert.Equal((3L, 3L, a.RootHex), (b.FromSeq, b.ToSeq, b.PreviousRootHex));
        var verify = await s.Audit().VerifyAsync(Ct);
        Assert.True(verify.Ok, string.Join("; ", verify.Problems));
        Assert.Equal((3, 2, 0), (verify.Entries, verify.Anchors, verify.PendingAnchors));
        Assert.Equal((await s.Authority.GetAsync(Ct)).PublicKey.ToString(), verify.Authority);
    }

    [Fact]
    public async Task Verify_EntryEditedChainRehashedRootsRewrittenAndSetPending_ReportsAnchorRootMismatch()
    {
        var s = await AnchoredThenRewrittenAsync();
        var row = (await s.Anchors.ListAsync(LedgerEntries.MainBook, Ct)).Single();
        await s.Anchors.UpsertAsync(WithRoot(row, await ForgedRootAsync(s, 1, 2)) with { Status = AnchorStatus.Pending, Signature = null, Slot = null }, Ct);

        var verify = await s.Audit().VerifyAsync(Ct);
        var run = await s.Anchoring.RunAsync(Ct);

        Assert.False(verify.Ok);
        Assert.Contains(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.AnchorRootMismatch) && p.Detail.Contains("anchor 1-2", StringComparison.Ordinal));
        Assert.StartsWith("refused:", run.Status, StringComparison.Ordinal);
        Assert.Single(await AnchorsOnChainAsync(s));
        Assert.False((await s.Audit().VerifyAsync(Ct)).Ok);
    }

    [Fact]
    public async Task Verify_EveryAnchorRowDeletedAndHistoryForged_DetectedAndNeverReanchored()
    {
        var s = await AnchoredThenRewrittenAsync();
        await s.DeleteAnchorRowsAsync();

        var run = await s.Anchoring.RunAsync(Ct);
        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.StartsWith("refused:", run.Status, StringComparison.Ordinal);
        Assert.Single(await AnchorsOnChainAsync(s)); // the forged history was not anchored
        Assert.False(verify.Ok);
        Assert.Equal(1, verify.Anchors); // found on chain although the table has no row
        Assert.Contains(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.AnchorRootMismatch));
    }

    [Fact]
    public async Task Verify_RowsDeletedButHistoryIntact_OkAndAnchoringLinksToTheChain()
    {
        var s = await NewAsync();
        var first = await s.BookAndAnchorAsync(100);
        await s.DeleteAnchorRowsAsync();

        await s.BookAsync("adj-2", 200);
        var second = await s.Anchoring.RunAsync(Ct);

        Assert.True(AnchorMemo.TryParse(first.Memo, out var a));
        Assert.True(AnchorMemo.TryParse(second.Memo, out var b));
        Assert.Equal((2L, a.RootHex), (b.FromSeq, b.PreviousRootHex));
        var verify = await s.Audit().VerifyAsync(Ct);
        Assert.True(verify.Ok, string.Join("; ", verify.Problems));
        Assert.Equal(2, verify.Anchors);
    }

    [Fact]
    public async Task Anchor_ForgedPendingRowInserted_NeverSignedAndVerifyReportsIt()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100, 200);
        await s.BookAsync("adj-3", 300);
        string forged = new('f', 64);
        var existing = (await s.Anchors.ListAsync(LedgerEntries.MainBook, Ct)).Single();
        // A forged pending row for an anchored range, and one for the new entry.
        await s.Anchors.UpsertAsync(WithRoot(existing, forged) with { Status = AnchorStatus.Pending, Signature = null }, Ct);

        var before = await s.Audit().VerifyAsync(Ct);
        await s.Anchors.UpsertAsync(new LedgerAnchor(LedgerEntries.MainBook, 3, 3, forged, DateTimeOffset.UtcNow) { Ledger = s.Authority.LedgerName, PreviousRootHex = existing.RootHex }, Ct);
        var run = await s.Anchoring.RunAsync(Ct);

        Assert.False(before.Ok);
        Assert.Contains(before.Problems, p => p.Kind == "AnchorRowMismatch" && p.Subject == "anchor 1-2");
        Assert.Equal("confirmed", run.Status);
        Assert.DoesNotContain(forged, run.Memo, StringComparison.Ordinal);
        var onChain = await AnchorsOnChainAsync(s);
        Assert.DoesNotContain(onChain, a => a.Content.RootHex == forged);
        Assert.Equal(await ForgedRootAsync(s, 3, 3), onChain.Single(a => a.Content.FromSeq == 3).Content.RootHex);
    }

    [Fact]
    public async Task Anchor_PendingRowCarriesAnotherLandedSignature_SignsItsMemoInsteadOfConfirmingIt()
    {
        var s = await NewAsync();
        var first = await s.BookAndAnchorAsync(100, 200);
        await s.BookAsync("adj-3", 300);
        var existing = (await s.Anchors.ListAsync(LedgerEntries.MainBook, Ct)).Single();
        var third = (await s.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct)).Where(e => e.Sequence == 3).ToList();
        // Exactly the pending row anchoring would resume, but its signature is a transaction that landed with another memo.
        await s.Anchors.UpsertAsync(LedgerAnchor.Over(third, DateTimeOffset.UtcNow) with { Ledger = s.Authority.LedgerName, PreviousRootHex = existing.RootHex, Signature = first.Signature }, Ct);

        var run = await s.Anchoring.RunAsync(Ct); // before: "confirmed" with the first anchor's transaction, and nothing covered entry 3

        Assert.Equal("confirmed", run.Status);
        Assert.NotEqual(first.Signature, run.Signature);
        var onChain = await AnchorsOnChainAsync(s);
        Assert.Equal(run.Signature, onChain.Single(a => a.Content.FromSeq == 3).Signature);
        Assert.True((await s.Audit().VerifyAsync(Ct)).Ok);
    }

    [Fact]
    public async Task Verify_AnchorRowPointsAtMemoSignedByAnotherKey_Detected()
    {
        var s = await AnchoredThenRewrittenAsync();
        var row = (await s.Anchors.ListAsync(LedgerEntries.MainBook, Ct)).Single();
        var insider = Keypair.Generate();
        await s.Rpc.RequestAirdropAsync(insider.PublicKey, 1_000_000_000, Commitment.Confirmed, Ct);
        var forgedRow = WithRoot(row, await ForgedRootAsync(s, 1, 2));
        string signature = await s.SendMemoAsync(insider, forgedRow.Memo);
        await s.Anchors.UpsertAsync(forgedRow with { Signature = signature }, Ct);

        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.False(verify.Ok);
        Assert.Equal(1, verify.Anchors); // the insider's memo does not count
        Assert.Contains(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.AnchorRootMismatch));
        Assert.Contains(verify.Problems, p => p.Kind == "AnchorNotOnChain" && p.Detail.Contains(signature, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Verify_EntryOlderThanIntervalPlusGraceNotAnchored_ReportsNotAnchoredNamingIt()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100);
        await s.BookAsync("adj-2", 200);
        var later = new FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(10));

        var now = await s.Audit().VerifyAsync(Ct);
        var afterGrace = await s.Audit(later).VerifyAsync(Ct);

        Assert.True(now.Ok, string.Join("; ", now.Problems));
        Assert.False(afterGrace.Ok);
        Assert.Contains(afterGrace.Problems, p => p.Kind == nameof(LedgerProblemKind.NotAnchored) && p.Subject == "adj-2");
    }

    [Fact]
    public async Task Verify_PendingRowOlderThanGrace_ReportsAnchorStale()
    {
        var s = await NewAsync();
        await s.BookAsync("adj-1", 100);
        await s.Anchors.UpsertAsync(new LedgerAnchor(LedgerEntries.MainBook, 1, 1, await ForgedRootAsync(s, 1, 1), DateTimeOffset.UtcNow.AddHours(-1)) { Ledger = s.Authority.LedgerName }, Ct);

        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.Contains(verify.Problems, p => p.Kind == "AnchorStale" && p.Subject == "anchor 1-1");
    }

    [Fact]
    public async Task Verify_TruncatedBookWithHeadRewritten_ReportsAnchorIncomplete()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100, 200);
        var pk = LedgerStore.PartitionKey(LedgerEntries.MainBook);
        var first = (await s.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct))[0];
        await s.Ledger.Table.DeleteEntityAsync(pk, LedgerStore.SequenceRowKey(2));
        await s.Ledger.Table.DeleteEntityAsync(pk, LedgerStore.IdRowKey("adj-2"));
        var head = (await s.Ledger.Table.GetEntityAsync<TableEntity>(pk, LedgerStore.HeadRowKey)).Value;
        head["LastSequence"] = 1L;
        head["LastHash"] = first.Hash;
        await s.Ledger.Table.UpdateEntityAsync(head, head.ETag, TableUpdateMode.Replace);

        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.Contains(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.AnchorIncomplete));
    }

    [Fact]
    public async Task Verify_IdRowRemoved_ReportsIdRowMissingBeforeARetriedBookingBooksItTwice()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100, 200);
        await s.Ledger.Table.DeleteEntityAsync(LedgerStore.PartitionKey(LedgerEntries.MainBook), LedgerStore.IdRowKey("adj-2"));

        var verify = await s.Audit().VerifyAsync(Ct);

        var finding = Assert.Single(verify.Problems); // the entries, the chain and the anchor are intact
        Assert.Equal(("IdRowMissing", "adj-2"), (finding.Kind, finding.Subject));
        Assert.Contains("sequence 2", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_IdRowPointsAtAnotherEntry_ReportsIdRowMismatch()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100, 200);
        await s.PlantAsync(LedgerStore.IdRowKey("adj-2"), "Sequence", 1L);

        var verify = await s.Audit().VerifyAsync(Ct);

        var finding = Assert.Single(verify.Problems);
        Assert.Equal(("IdRowMismatch", $"id row {LedgerStore.IdRowKey("adj-2")}"), (finding.Kind, finding.Subject));
        Assert.Contains("points at sequence 1", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("books entry 'adj-1'", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_IdRowHoldsAValueOfAnotherType_ReportsIdRowUnreadableAndNotAlsoMissing()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100, 200);
        await s.PlantAsync(LedgerStore.IdRowKey("adj-2"), "Sequence", "2");

        var verify = await s.Audit().VerifyAsync(Ct);

        var finding = Assert.Single(verify.Problems);
        Assert.Equal(("IdRowUnreadable", $"id row {LedgerStore.IdRowKey("adj-2")}"), (finding.Kind, finding.Subject));
        Assert.Contains("property 'Sequence'", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proof_AnchoredEntryEditedKeepingItsStoredHash_NotVerifiedWhileItsSiblingIs()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100, 200);
        // The amounts of entry 1 cut to 1 cent; its stored hash (the leaf the anchored root was built over) left as it was.
        await s.PlantAsync(LedgerStore.SequenceRowKey(1), "Postings", """[["adjustment:carrier-x","USD","1"],["revenue:usage","USD","-1"]]""");
        var reader = new LedgerReader(s.Ledger, s.Anchors, s.Authority, s.Rpc);

        var edited = Assert.IsType<LedgerProofResult.Found>(await reader.ProofAsync("adj-1", null, Ct));
        var sibling = Assert.IsType<LedgerProofResult.Found>(await reader.ProofAsync("adj-2", null, Ct));

        Assert.Equal(1, edited.Entry.Postings.Max(p => p.Amount));
        Assert.False(edited.Verified); // before: true, the edited amounts shown as proven on chain
        Assert.True(sibling.Verified);
    }

    [Fact]
    public async Task Verify_EntrySequencePlantedAsTheLargestNumber_ReportsInsteadOfThrowing()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100, 200, 300);
        await s.PlantAsync(LedgerStore.SequenceRowKey(2), "Sequence", long.MaxValue);

        var verify = await s.Audit().VerifyAsync(Ct); // before: OverflowException

        Assert.Equal(3, verify.Entries);
        Assert.Contains(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.HashMismatch) && p.Subject == "adj-2");
        Assert.Contains(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.AnchorIncomplete));
    }

    [Fact]
    public async Task Verify_UnreadableRowClaimsTheLargestSequence_ReportsInsteadOfThrowing()
    {
        var s = await NewAsync();
        await s.BookAndAnchorAsync(100, 200, 300);
        await s.PlantAsync(LedgerStore.SequenceRowKey(2), "Sequence", long.MaxValue);
        await s.PlantAsync(LedgerStore.SequenceRowKey(2), "Postings", 12);

        var verify = await s.Audit().VerifyAsync(Ct); // before: ArgumentOutOfRangeException at the entry after it

        Assert.Equal(3, verify.Entries);
        Assert.Contains(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.EntryUnreadable) && p.Subject == "adj-2");
        Assert.Contains(verify.Problems, p => p.Kind == nameof(LedgerProblemKind.AnchorIncomplete));
    }
}
