namespace Billing.Application.Tests.Ledger;

/// <summary>
/// The insider with the storage account key plants a value of a type the platform never writes into a ledger entry,
/// the head or an anchor row: verify reports it as a finding naming the row and the property instead of failing.
/// Real Azurite and a private localnet.
/// </summary>
public class LedgerUnreadableRowTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>Three entries, the first two anchored on chain.</summary>
    private async Task<LedgerTestSetup> AnchoredBookAsync()
    {
        var s = await LedgerTestSetup.NewAsync(chain, LedgerTestOptions.ShortAnchorWindow());
        var run = await s.BookAndAnchorAsync(100, 200);
        Assert.Equal("confirmed", run.Status);
        await s.BookAsync("adj-3", 300);
        return s;
    }

    /// <summary>Every property of an entry row, each with a value of another type than the one the platform writes.</summary>
    public static TheoryData<string, object, string> EntryValues() => new()
    {
        { "Sequence", "2", "Edm.String found, Edm.Int64 expected" },
        { "EntryId", 2L, "Edm.Int64 found, Edm.String expected" },
        { "Kind", 1, "Edm.Int32 found, Edm.String expected" },
        { "OccurredAtTicks", "638000000000000000", "Edm.String found, Edm.Int64 expected" },
        { "OccurredAt", "2026-11-01T00:00:00Z", "Edm.String found, Edm.DateTime expected" },
        { "Postings", 12, "Edm.Int32 found, Edm.String expected" },
        { "Metadata", true, "Edm.Boolean found, Edm.String expected" },
        { "PreviousHash", 7.5, "Edm.Double found, Edm.String expected" },
        { "Hash", 42L, "Edm.Int64 found, Edm.String expected" },
        { "Postings", "[[\"adjustment:carrier-x\",\"USD\",200]]", "not what the ledger writes there" },
    };

    [Theory]
    [MemberData(nameof(EntryValues))]
    public async Task Verify_EntryRowHoldsAValueOfAnotherType_ReportsEntryUnreadableNamingRowAndProperty(string property, object value, string reason)
    {
        var s = await AnchoredBookAsync();
        await s.PlantAsync(LedgerStore.SequenceRowKey(2), property, value);

        var verify = await s.Audit().VerifyAsync(Ct);

        Assert.False(verify.Ok);
        Assert.Equal(3, verify.Entries);
        var finding = Assert.Single(verify.Problems, p => p.Kind == "EntryUnreadable");
        Assert.Equal(property == "EntryId" ? "sequence 2" : "adj-2", finding.Subject);
        Assert.Contains($"row '{LedgerStore.SequenceRowKey(2)}'", finding.Detail, StringComparison.Ordinal);
        Assert.Contains($"property '{property}'", finding.Detail, StringComparison.Ordinal);
        Assert.Contains(reason, finding.Detail, StringComparison.Ordinal);
        // What can still be read of the row keeps the rest of the book checkable: no other finding but the anchor over an unreadable hash.
        Assert.All(verify.Problems, p => Assert.True(p == finding || property == "Hash" && p.Kind == nameof(LedgerProblemKind.AnchorRootMismatch), p.ToString()));
    }

    [Theory]
    [InlineData("LastSequence", "3")]
    [InlineData("LastHash", 3)]
    public async Task Verify_HeadRowHoldsAValueOfAnotherType_ReportsHeadUnreadable(string property, object value)
    {
        var s = await AnchoredBookAsync();
        await s.PlantAsync(LedgerStore.HeadRowKey, property, value);

        var verify = await s.Audit().VerifyAsync(Ct);

        var finding = Assert.Single(verify.Problems);
        Assert.Equal(("HeadUnreadable", "head"), (finding.Kind, finding.Subject));
        Assert.Contains("row 'head'", finding.Detail, StringComparison.Ordinal);
        Assert.Contains($"property '{property}'", finding.Detail, StringComparison.Ordinal);
        Assert.Equal(3, verify.Entries);
    }

    [Theory]
    [InlineData("FromSeq", "1")]
    [InlineData("CreatedAt", "yesterday")]
    [InlineData("Slot", "12")]
    [InlineData("Status", 1)]
    [InlineData("RootHex", "not a root")]
    public async Task Verify_AnchorRowHoldsWhatThePlatformNeverWrites_ReportsAnchorRowUnreadableAndStillChecksTheChain(string property, object value)
    {
        var s = await AnchoredBookAsync();
        string rowKey = AnchorStore.RowKey(2);
        await s.PlantAsync(rowKey, property, value, anchors: true);

        var verify = await s.Audit().VerifyAsync(Ct);

        var finding = Assert.Single(verify.Problems);
        Assert.Equal(("AnchorRowUnreadable", $"anchor row {rowKey}"), (finding.Kind, finding.Subject));
        Assert.Contains($"property '{property}'", finding.Detail, StringComparison.Ordinal);
        Assert.Equal(1, verify.Anchors); // the anchor on chain still counts
    }

    private static async Task<IReadOnlyList<OnChainAnchor>> AnchorsOnChainAsync(LedgerTestSetup s)
    {
        var key = (await s.Authority.GetAsync(Ct)).PublicKey;
        return await new AnchorChainReader(s.Rpc).ReadAllAsync(key, s.Authority.LedgerName, LedgerEntries.MainBook, Ct);
    }

    [Theory]
    [InlineData(3, "Postings", 12)] // a new entry
    [InlineData(1, "Hash", 1L)] // an entry the chain's latest anchor covers
    public async Task Anchor_EntryRowHoldsAValueOfAnotherType_RefusesNamingTheRowAndSignsNothing(long sequence, string property, object value)
    {
        var s = await AnchoredBookAsync();
        await s.PlantAsync(LedgerStore.SequenceRowKey(sequence), property, value);

        var run = await s.Anchoring.RunAsync(Ct); // before: the run threw, every minute

        Assert.StartsWith("refused:", run.Status, StringComparison.Ordinal);
        Assert.Contains($"row '{LedgerStore.SequenceRowKey(sequence)}'), property '{property}'", run.Status, StringComparison.Ordinal);
        Assert.Null(run.Signature);
        Assert.Single(await AnchorsOnChainAsync(s)); // only the anchor of 1-2 from before
        Assert.DoesNotContain(await s.Anchors.ListAsync(LedgerEntries.MainBook, Ct), a => a.ToSeq == 3);
    }

    [Fact]
    public async Task Anchor_NewestAnchorRowHoldsAValueOfAnotherType_AnchorsTheNewEntriesLinkedToTheChain()
    {
        var s = await AnchoredBookAsync();
        var first = (await AnchorsOnChainAsync(s)).Single();
        await s.PlantAsync(AnchorStore.RowKey(2), "Status", 1, anchors: true);

        var run = await s.Anchoring.RunAsync(Ct); // before: the run threw, and nothing was anchored again

        Assert.Equal("confirmed", run.Status);
        Assert.True(AnchorMemo.TryParse(run.Memo, out var memo));
        Assert.Equal((3L, 3L, first.Content.RootHex), (memo.FromSeq, memo.ToSeq, memo.PreviousRootHex));
        var verify = await s.Audit().VerifyAsync(Ct);
        Assert.Equal(2, verify.Anchors);
        Assert.True(verify.Ok, string.Join("; ", verify.Problems)); // the run put the row back from the chain, as it puts back a lost one
        Assert.Equal(first.Signature, (await s.Anchors.GetAsync(LedgerEntries.MainBook, 2, Ct))!.Signature);
    }
}
