using Billing.Application.Tests.Payments;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// A finalized burn's ledger entry carries its fiat side (usdMinor, currency, payment, price), and reconcile compares it with the
/// burn row, the invoice and its payment (<c>BurnEntryMismatch</c>); entries booked before it did still verify and are compared
/// by tokens only.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class LedgerAuditBurnEntryTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>An invoice of 123.45 USD paid in full and its burn, finalized: 49.38 tokens at 2.50 USD, not booked yet.</summary>
    private static async Task<(ReconcileOnlyLedger S, BurnIntent Burn)> BurnedAsync(AzuriteFixture azurite)
    {
        var s = await ReconcileOnlyLedger.NewAsync(azurite);
        string invoiceId = PaidBurns.NewInvoiceId();
        var now = DateTimeOffset.UtcNow;
        var burn = SampleBurns.Pending(BurnIntent.IdFor(invoiceId), invoiceId, 12_345, now) with
        {
            Status = BurnStatus.Finalized, Price = PriceQuote.Parse("2.50", now, "test"), TokenAmount = 4_938_000_000, Decimals = 8, Mint = "mint", Signature = "sig", Slot = 7,
        };
        await PaidBurns.PaidInvoiceAsync(s.Tables, invoiceId, burn.PaymentId, 12_345);
        await new BurnStore(s.Tables).CreateIfAbsentAsync(burn, Ct);
        return (s, burn);
    }

    private static async Task<IReadOnlyList<AuditProblem>> BurnFindingsAsync(ReconcileOnlyLedger s, BurnIntent burn) =>
        [.. (await s.Audit.ReconcileAsync(Ct)).Mismatches.Where(m => m.Subject == burn.Id)];

    [Fact]
    public async Task ReconcileAsync_EntryBookedBeforeItCarriedTheFiatSide_VerifiesAndIsNotReported()
    {
        var (s, burn) = await BurnedAsync(azurite);
        var before = new Dictionary<string, string>(StringComparer.Ordinal) { ["payer"] = burn.Payer, ["decimals"] = "8", ["mint"] = "mint" }; // the keys it had
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, LedgerEntries.TokensBurned(burn.Id, burn.InvoiceId, burn.TokenAmount, "sig", 7, burn.UpdatedAt, before)!, Ct);
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, LedgerEntries.TokensBurned(burn with { Id = "burn-other", Signature = "sig2" }, burn.UpdatedAt)!, Ct);

        var entries = await s.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct);

        Assert.Empty(HashChain.Verify(entries));
        Assert.False(entries[0].Metadata.ContainsKey("usdMinor"));
        Assert.Equal("12345", entries[1].Metadata["usdMinor"]);
        Assert.Empty(await BurnFindingsAsync(s, burn));
    }

    [Fact]
    public async Task ReconcileAsync_EntryBookingAnotherAmountThanTheRow_Reported()
    {
        var (s, burn) = await BurnedAsync(azurite);
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, LedgerEntries.TokensBurned(burn with { UsdMinor = 99_999 }, burn.UpdatedAt)!, Ct);

        var finding = Assert.Single(await BurnFindingsAsync(s, burn));

        Assert.Equal("BurnEntryMismatch", finding.Kind);
        Assert.Contains("it books 99999 minor units converted, the burn row 12345", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_RowAndEntryRewrittenTogether_EntryComparedWithItsInvoice()
    {
        var (s, burn) = await BurnedAsync(azurite);
        var rewritten = burn with { UsdMinor = 99_999, TokenAmount = 39_999_600_000 }; // 999.99 USD at 2.50: consistent with itself
        var (_, etag) = (await new BurnStore(s.Tables).GetAsync(burn.Id, Ct))!.Value;
        Assert.NotNull(await new BurnStore(s.Tables).TryReplaceAsync(rewritten, etag, Ct));
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, LedgerEntries.TokensBurned(rewritten, burn.UpdatedAt)!, Ct);

        var findings = await BurnFindingsAsync(s, burn);

        Assert.Contains(findings, f => f.Kind == "BurnEntryMismatch" && f.Detail.Contains($"invoice {burn.InvoiceId} was due 12345", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.Kind == "BurnExceedsInvoice");
    }

    [Fact]
    public async Task ReconcileAsync_EntryTokensNotWhatItsAmountBuysAtItsPrice_Reported()
    {
        var (s, burn) = await BurnedAsync(azurite);
        var cheap = burn with { Price = PriceQuote.Parse("0.01", burn.UpdatedAt, "planted") }; // the tokens burned at 2.50, booked as if at 0.01
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, LedgerEntries.TokensBurned(cheap, burn.UpdatedAt)!, Ct);

        var finding = Assert.Single(await BurnFindingsAsync(s, burn));

        Assert.Equal("BurnEntryMismatch", finding.Kind);
        Assert.Contains("12345 minor units at its price of 0.01 USD/token convert to 1234500000000 base units, it books 4938000000", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_EntryNamingAnotherSignatureThanTheRow_Reported()
    {
        var (s, burn) = await BurnedAsync(azurite);
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, LedgerEntries.TokensBurned(burn with { Signature = "sig-of-another-transaction" }, burn.UpdatedAt)!, Ct);

        var finding = Assert.Single(await BurnFindingsAsync(s, burn)); // before: nothing, only its amounts were compared

        Assert.Equal("BurnEntryMismatch", finding.Kind);
        Assert.Contains("metadata signature: the book has 'sig-of-another-transaction', the burn row makes 'sig'", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_EntryBookedBeforeItCarriedTheFiatSideNamingAnotherPayer_Reported()
    {
        var (s, burn) = await BurnedAsync(azurite);
        var before = new Dictionary<string, string>(StringComparer.Ordinal) { ["payer"] = "carrier-someone-else", ["decimals"] = "8", ["mint"] = "mint" };
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, LedgerEntries.TokensBurned(burn.Id, burn.InvoiceId, burn.TokenAmount, "sig", 7, burn.UpdatedAt, before)!, Ct);

        var finding = Assert.Single(await BurnFindingsAsync(s, burn));

        Assert.Equal("BurnEntryMismatch", finding.Kind);
        Assert.Contains("metadata payer: the book has 'carrier-someone-else'", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReconcileAsync_EntryOfNoBurnRow_ReportsEntryWithoutSource()
    {
        var (s, burn) = await BurnedAsync(azurite);
        var ghost = burn with { Id = "burn-ghost-" + burn.InvoiceId, Signature = "sig-ghost" };
        await s.Ledger.AppendAsync(LedgerEntries.MainBook, LedgerEntries.TokensBurned(ghost, burn.UpdatedAt)!, Ct);

        var finding = Assert.Single((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => m.Kind == "EntryWithoutSource");

        Assert.Equal(LedgerEntries.BurnId(ghost.Id), finding.Subject);
        Assert.Contains("no burn", finding.Detail, StringComparison.Ordinal);
    }
}
