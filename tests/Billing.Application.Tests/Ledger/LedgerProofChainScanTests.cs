namespace Billing.Application.Tests.Ledger;

/// <summary>
/// What a proof costs on chain: an entry no stored anchor row covers is answered as not anchored from the table alone,
/// never by reading the authority's whole memo history (a payer could repeat that at will). Only finance's proof of an
/// entry below the newest stored anchor, whose own row is lost, searches the chain. Real Azurite and a private localnet;
/// the localnet counts the calls.
/// </summary>
public class LedgerProofChainScanTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static LedgerReader Reader(LedgerTestSetup s) => new(s.Ledger, s.Anchors, s.Authority, s.Rpc);

    private Task<int> HistoryReadsAsync() => chain.Localnet.RequestCountAsync("getSignaturesForAddress", Ct);

    [Fact]
    public async Task Proof_PayersEntryNewerThanTheLastAnchor_NotAnchoredWithoutReadingTheChainHistory()
    {
        var s = await LedgerTestSetup.NewAsync(chain, LedgerTestOptions.ShortAnchorWindow());
        await s.BookAndAnchorAsync(100);
        await s.BookAsync("adj-2", 200);

        int before = await HistoryReadsAsync();
        var payer = await Reader(s).ProofAsync("adj-2", "carrier-x", Ct);
        var document = await Reader(s).ProofAsync("adj-2", null, Ct); // the invoice document's call
        var finance = await Reader(s).ProofAsync("adj-2", null, searchChain: true, Ct);
        int reads = await HistoryReadsAsync() - before;

        Assert.IsType<LedgerProofResult.NotAnchored>(payer);
        Assert.IsType<LedgerProofResult.NotAnchored>(document);
        Assert.IsType<LedgerProofResult.NotAnchored>(finance);
        Assert.Equal(0, reads); // before: each proof paged through the authority's signatures and fetched every memo
    }

    [Fact]
    public async Task Proof_AnchorRowLost_PayerNotAnchoredWithoutChainScan_FinanceFindsItOnChain()
    {
        var s = await LedgerTestSetup.NewAsync(chain, LedgerTestOptions.ShortAnchorWindow());
        await s.BookAndAnchorAsync(100);
        await s.BookAsync("adj-2", 200);
        await s.Anchoring.RunAsync(Ct);
        await s.Anchors.DeleteAsync(LedgerEntries.MainBook, 1, Ct); // lost until the next anchor run puts it back (LedgerAnchorServiceRowRepairTests)

        int before = await HistoryReadsAsync();
        var payer = await Reader(s).ProofAsync("adj-1", "carrier-x", Ct);
        int payerReads = await HistoryReadsAsync() - before;
        var finance = await Reader(s).ProofAsync("adj-1", null, searchChain: true, Ct);

        Assert.IsType<LedgerProofResult.NotAnchored>(payer);
        Assert.Equal(0, payerReads);
        var found = Assert.IsType<LedgerProofResult.Found>(finance);
        Assert.True(found.Verified);
        Assert.Equal((1L, 1L), (found.Anchor.Content.FromSeq, found.Anchor.Content.ToSeq));
    }
}
