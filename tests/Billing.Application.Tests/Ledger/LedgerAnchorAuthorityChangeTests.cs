namespace Billing.Application.Tests.Ledger;

/// <summary>
/// The anchors table across a change of the anchor authority (the treasury key rotated while it signs anchors, or
/// <c>dedicatedAnchorKeypair</c> turned on for a deployment that has anchored): the new key anchors the book again from
/// its first entry, and the earlier key's rows stay in the table. They are kept (proof of the history the earlier key
/// anchored), but they are not the new key's coverage: the repair looks past them for the new key's lost rows, and a
/// proof goes by a row the new key signed. Real Azurite and a private localnet.
/// </summary>
public class LedgerAnchorAuthorityChangeTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly string Book = LedgerEntries.MainBook;

    private static LedgerReader Reader(LedgerTestSetup s) => new(s.Ledger, s.Anchors, s.Authority, s.Rpc);

    /// <summary>
    /// Entries 1, 2 and 3 anchored one by one by the treasury (its rows returned, oldest first), then the authority
    /// changed to a new key (returned), whose first run is not made yet.
    /// </summary>
    private async Task<(LedgerTestSetup Old, IReadOnlyList<LedgerAnchor> OldRows, LedgerTestSetup New)> AnchoredThenKeyChangedAsync()
    {
        var (s, rows) = await AnchoredOneByOneAsync();
        return (s, rows, await s.WithNewAuthorityAsync(chain, LedgerTestSetup.NewKeypairJson()));
    }

    /// <summary>
    /// As <see cref="AnchoredThenKeyChangedAsync"/>, with the treasury's public key (returned) listed in
    /// <c>Billing:Ledger:RetiredAnchorAuthorities</c>; <paramref name="beforeChange"/> runs on the old setup first.
    /// </summary>
    private async Task<(IReadOnlyList<LedgerAnchor> OldRows, string OldKey, LedgerTestSetup New)> KeyChangedWithOldKeyRetiredAsync(Func<LedgerTestSetup, Task>? beforeChange = null)
    {
        var (old, rows) = await AnchoredOneByOneAsync();
        string oldKey = (await old.Authority.GetAsync(Ct)).PublicKey.ToString();
        if (beforeChange is not null)
        {
            await beforeChange(old);
        }

        return (rows, oldKey, await old.WithNewAuthorityAsync(chain, LedgerTestSetup.NewKeypairJson(), oldKey));
    }

    /// <summary>Entries 1, 2 and 3 anchored one by one by the treasury; its rows, oldest first.</summary>
    private async Task<(LedgerTestSetup Setup, IReadOnlyList<LedgerAnchor> Rows)> AnchoredOneByOneAsync()
    {
        var s = await LedgerTestSetup.NewAsync(chain, LedgerTestOptions.ShortAnchorWindow());
        await s.BookAndAnchorAsync(100);
        await s.BookAsync("adj-2", 200);
        await s.Anchoring.RunAsync(Ct);
        await s.BookAsync("adj-3", 300);
        await s.Anchoring.RunAsync(Ct);
        var rows = await s.Anchors.ListAsync(Book, Ct);
        Assert.Equal([(1L, 1L), (2L, 2L), (3L, 3L)], rows.Select(r => (r.FromSeq, r.ToSeq)));
        return (s, rows);
    }

    private static async Task<OnChainAnchor?> SignedByAsync(LedgerTestSetup s, string signature) =>
        await new AnchorChainReader(s.Rpc).GetAsync((await s.Authority.GetAsync(Ct)).PublicKey, s.Authority.LedgerName, Book, signature, Ct);

    [Fact]
    public async Task RunAsync_NewKeysFirstAnchorEndsWhereTheOldKeysNewestRowEnds_KeepsTheOldRowAndRecordsTheNewOne()
    {
        var (_, oldRows, s) = await AnchoredThenKeyChangedAsync();

        var run = await s.Anchoring.RunAsync(Ct); // the new key anchors 1-3: its row ends where the treasury's 3-3 ends

        Assert.Equal("confirmed", run.Status);
        var row = await s.Anchors.GetAsync(Book, 3, Ct);
        Assert.NotNull(row);
        Assert.Equal((AnchorStatus.Confirmed, 1L, 3L, run.Signature), (row.Status, row.FromSeq, row.ToSeq, row.Signature));
        Assert.NotNull(await SignedByAsync(s, row.Signature!));
        var listed = (await s.Anchors.ListAsync(Book, Ct)).Select(r => (r.FromSeq, r.ToSeq, r.Signature)).ToList();
        Assert.Contains((3L, 3L, oldRows[2].Signature), listed); // before: overwritten by the new key's row
        Assert.Contains((1L, 3L, run.Signature), listed);
        Assert.True(Assert.IsType<LedgerProofResult.Found>(await Reader(s).ProofAsync("adj-3", "carrier-x", Ct)).Verified);
        // Verify reads only the current key's memos: the book checks out, and each row of the treasury's is reported.
        var verify = await s.Audit().VerifyAsync(Ct);
        Assert.Equal((3, 1), (verify.Entries, verify.Anchors));
        Assert.Equal(oldRows.Select(r => ("AnchorNotOnChain", $"anchor {r.FromSeq}-{r.ToSeq}")), verify.Problems.Select(p => (p.Kind, p.Subject)).Order());
    }

    [Fact]
    public async Task Verify_OldKeyListedAsRetired_ItsRowsCheckedAgainstItsMemosAndTheBookIsOk()
    {
        var (_, oldKey, s) = await KeyChangedWithOldKeyRetiredAsync();
        await s.Anchoring.RunAsync(Ct); // the new key: 1-3, the treasury's 3-3 kept beside it

        var verify = await s.Audit().VerifyAsync(Ct);

        // Before: every row of the treasury's was AnchorNotOnChain, for good.
        Assert.Empty(verify.Problems);
        Assert.True(verify.Ok);
        Assert.Equal([oldKey], verify.RetiredAuthorities); // for the CLI's hint to verify against the chain independently
    }

    [Fact]
    public async Task Verify_RowsOfUnknownSignerAfterTheChange_CheckedAgainstTheRetiredKeysMemos()
    {
        var (_, _, s) = await KeyChangedWithOldKeyRetiredAsync(old => old.ForgetSignersAsync()); // written before signers were recorded
        await s.Anchoring.RunAsync(Ct);

        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.Empty(verify.Problems);
    }

    [Fact]
    public async Task Verify_RowClaimingASignerNeitherCurrentNorRetired_Reported()
    {
        var (_, _, s) = await KeyChangedWithOldKeyRetiredAsync();
        await s.Anchoring.RunAsync(Ct);
        using var stranger = Billing.Solana.Keys.Keypair.FromJson(LedgerTestSetup.NewKeypairJson());
        await SetSignerAsync(s, 2, stranger.PublicKey.ToString()); // the insider names a key of their own

        var verify = await s.Audit().VerifyAsync(Ct);

        var problem = Assert.Single(verify.Problems);
        Assert.Equal(("AnchorNotOnChain", "anchor 2-2"), (problem.Kind, problem.Subject));
        Assert.Contains(stranger.PublicKey.ToString(), problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_BookRewrittenBetweenTheChangeAndTheNewKeysFirstAnchor_RefusedAndVerifyReportsIt()
    {
        var (_, _, s) = await KeyChangedWithOldKeyRetiredAsync();
        await s.RewriteAsync(2, 999); // the insider, re-hashing the whole book before the new key's first run

        var run = await s.Anchoring.RunAsync(Ct);

        // Before: the new key anchored the rewritten book from its first entry, with no link to the treasury's anchors.
        Assert.StartsWith("refused: entries 3-3 no longer give the root", run.Status, StringComparison.Ordinal);
        Assert.Null(run.Signature);
        var newKey = (await s.Authority.GetAsync(Ct)).PublicKey;
        Assert.Null(await new AnchorChainReader(s.Rpc).LatestAsync(newKey, s.Authority.LedgerName, Book, null, Ct));
        Assert.DoesNotContain(await s.Anchors.ListAsync(Book, Ct), r => r.Signer == newKey.ToString());
        var verify = await s.Audit().VerifyAsync(Ct);
        Assert.Contains(verify.Problems, p => (p.Kind, p.Subject) == ("RetiredAnchorMismatch", "anchor 3-3"));
    }

    [Fact]
    public async Task RunAsync_RetiredKeysNewestRowNotBackedByItsMemo_RefusedBeforeTheNewKeysFirstAnchor()
    {
        var (rows, oldKey, s) = await KeyChangedWithOldKeyRetiredAsync();
        await s.BookAsync("adj-4", 400);
        // The insider plants a newer row of the treasury's, pointing at a transaction of an earlier anchor.
        var planted = new LedgerAnchor(Book, 4, 4, new string('a', 64), DateTimeOffset.UtcNow)
        {
            Signature = rows[2].Signature, Slot = rows[2].Slot, Status = AnchorStatus.Confirmed, Ledger = rows[2].Ledger, Signer = oldKey, PreviousRootHex = rows[2].RootHex,
        };
        await s.Anchors.UpsertAsync(planted, Ct);

        var run = await s.Anchoring.RunAsync(Ct);

        Assert.StartsWith($"refused: the newest anchor row of the retired authority {oldKey} (4-4", run.Status, StringComparison.Ordinal);
        Assert.Null(run.Signature);
    }

    [Fact]
    public async Task RunAsync_BookIntactAtTheChange_NewKeysFirstAnchorConfirmed()
    {
        var (_, _, s) = await KeyChangedWithOldKeyRetiredAsync();
        await s.BookAsync("adj-4", 400);

        var run = await s.Anchoring.RunAsync(Ct);

        Assert.Equal("confirmed", run.Status);
        Assert.True((await s.Audit().VerifyAsync(Ct)).Ok);
    }

    /// <summary>The insider writes the Signer column of the row ending at <paramref name="toSeq"/>.</summary>
    private static async Task SetSignerAsync(LedgerTestSetup s, long toSeq, string signer)
    {
        var row = (await s.Anchors.Table.GetEntityAsync<Azure.Data.Tables.TableEntity>(LedgerStore.PartitionKey(Book), AnchorStore.RowKey(toSeq))).Value;
        row["Signer"] = signer;
        await s.Anchors.Table.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace);
    }

    [Fact]
    public async Task RunAsync_NewKeysRowLostBelowTheOldKeysRows_RestoredFromTheNewKeysMemo()
    {
        var (_, _, s) = await AnchoredThenKeyChangedAsync();
        var first = await s.Anchoring.RunAsync(Ct); // the new key: 1-3
        await s.BookAsync("adj-4", 400);
        await s.Anchoring.RunAsync(Ct); // the new key: 4-4
        var lost = (await s.Anchors.ListAsync(Book, Ct)).Single(r => r.Signature == first.Signature);
        await s.Anchors.DeleteAsync(Book, lost.ToSeq, Ct);

        var run = await s.Anchoring.RunAsync(Ct); // nothing new: the repair's turn

        Assert.Equal("nothing new to anchor", run.Status);
        // Before: the treasury's rows 1-1 and 2-2 counted as coverage, so the gap was 3-3, searched for in vain.
        var restored = (await s.Anchors.ListAsync(Book, Ct)).Where(r => r.Signature == first.Signature).ToList();
        var row = Assert.Single(restored);
        Assert.Equal((AnchorStatus.Confirmed, lost.Content), (row.Status, row.Content));
        var proof = Assert.IsType<LedgerProofResult.Found>(await Reader(s).ProofAsync("adj-2", "carrier-x", Ct));
        Assert.Equal((true, first.Signature), (proof.Verified, proof.Anchor.Signature));
    }

    [Fact]
    public async Task Proof_EntryCoveredByAnOldKeysRowAndTheNewKeys_FoundThroughTheRowTheNewKeySigned()
    {
        var (_, oldRows, s) = await AnchoredThenKeyChangedAsync();
        var run = await s.Anchoring.RunAsync(Ct); // the new key: 1-3, listed after the treasury's 2-2

        var payer = await Reader(s).ProofAsync("adj-2", "carrier-x", Ct);
        var finance = await Reader(s).ProofAsync("adj-2", null, Ct);

        // Before: the first covering row listed (the treasury's 2-2) decided, and the new key had not signed it: not anchored.
        var found = Assert.IsType<LedgerProofResult.Found>(payer);
        Assert.Equal((true, run.Signature, 1L, 3L), (found.Verified, found.Anchor.Signature, found.Anchor.Content.FromSeq, found.Anchor.Content.ToSeq));
        Assert.Equal((await s.Authority.GetAsync(Ct)).PublicKey.ToString(), found.Authority);
        Assert.IsType<LedgerProofResult.Found>(finance);
        Assert.NotEqual(oldRows[1].Signature, found.Anchor.Signature);
    }

    [Fact]
    public async Task RunAsync_RowsWrittenBeforeSignersWereRecorded_StillCoverageAndTheChainsVerdictRecordedInThem()
    {
        var (s, rows) = await AnchoredOneByOneAsync();
        await s.ForgetSignersAsync(); // the deployment upgrades in place, with the same key
        await s.Anchors.DeleteAsync(Book, 2, Ct);

        var run = await s.Anchoring.RunAsync(Ct);

        Assert.Equal("nothing new to anchor", run.Status);
        string key = (await s.Authority.GetAsync(Ct)).PublicKey.ToString();
        Assert.Equal(rows.Select(r => (r.FromSeq, r.ToSeq, r.Signature, (string?)key)), (await s.Anchors.ListAsync(Book, Ct)).Select(r => (r.FromSeq, r.ToSeq, r.Signature, r.Signer)));
        Assert.True(Assert.IsType<LedgerProofResult.Found>(await Reader(s).ProofAsync("adj-2", "carrier-x", Ct)).Verified);
    }

    [Fact]
    public async Task RunAsync_OldKeysRowsWrittenBeforeSignersWereRecorded_JudgedByTheChainAndNotTheNewKeysCoverage()
    {
        var (_, oldRows, s) = await AnchoredThenKeyChangedAsync();
        await s.ForgetSignersAsync(); // written before the upgrade that records signers; the key changes with it
        var first = await s.Anchoring.RunAsync(Ct); // the new key: 1-3 (the treasury's 3-3, of unknown signer, is kept)
        await s.BookAsync("adj-4", 400);
        await s.Anchoring.RunAsync(Ct);
        await s.Anchors.DeleteAsync(Book, 3, Ct);

        await s.Anchoring.RunAsync(Ct);

        var listed = await s.Anchors.ListAsync(Book, Ct);
        string key = (await s.Authority.GetAsync(Ct)).PublicKey.ToString();
        Assert.Equal((1L, 3L, key), listed.Where(r => r.Signature == first.Signature).Select(r => (r.FromSeq, r.ToSeq, r.Signer)).Single());
        Assert.All(oldRows, old => Assert.Null(listed.Single(r => r.Signature == old.Signature).Signer)); // all kept, none taken for the new key's
        Assert.True(Assert.IsType<LedgerProofResult.Found>(await Reader(s).ProofAsync("adj-2", "carrier-x", Ct)).Verified);
    }
}
