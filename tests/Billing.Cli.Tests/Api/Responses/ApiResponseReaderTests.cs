using Billing.Cli.Api.Responses;

namespace Billing.Cli.Tests.Api.Responses;

/// <summary>The reader takes the bodies the server writes (Billing.Contracts through its JSON context).</summary>
public sealed class ApiResponseReaderTests
{
    private const string Summary = """{"id":"INV-a","payer":"a","plan":"p","period":{"start":"2026-10-01T00:00:00Z","end":"2026-11-01T00:00:00Z"},"status":"finalized","currency":"USD","total":"0.12","totalMinor":12,"lines":2,"stripeInvoiceId":null}""";

    [Fact]
    public void Usage_ServerBody_ReadsRowsAndGroups()
    {
        var usage = ApiResponseReader.Usage(JsonNode.Parse("""{"payer":"carrier-tmo","meter":"offload.bytes","from":"2026-10-01T00:00:00Z","to":"2026-11-01T00:00:00Z","window":"day","rows":[{"windowStart":"2026-10-02T00:00:00Z","group":{"rat":"wlan"},"quantity":1000.50},{"windowStart":"2026-10-03T00:00:00Z","group":{},"quantity":0}]}"""));

        Assert.Equal("offload.bytes", usage.Meter);
        Assert.Equal("1000.50", usage.Rows[0].Quantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("wlan", usage.Rows[0].Group["rat"]);
        Assert.Empty(usage.Rows[1].Group);
    }

    [Fact]
    public void InvoiceListAndPeriodClose_ServerBodies_ReadTheSameSummaries()
    {
        var list = ApiResponseReader.InvoiceList(JsonNode.Parse($$"""{"invoices":[{{Summary}}]}"""));
        var closed = ApiResponseReader.PeriodClose(JsonNode.Parse($$"""{"period":"2026-10","invoices":[{{Summary}}]}"""));

        Assert.Equal("2026-10", closed.Period);
        Assert.Equal(list.Invoices, closed.Invoices);
        var invoice = Assert.Single(list.Invoices);
        Assert.Equal(12, invoice.TotalMinor);
        Assert.Equal(2, invoice.Lines);
        Assert.Equal("2026-10-01T00:00:00Z", invoice.Period.Start);
    }

    [Fact]
    public void InvoiceList_ShapeTheServerNeverSends_FailsClearly()
    {
        var ex = Assert.Throws<OperationFailedException>(() => ApiResponseReader.InvoiceList(JsonNode.Parse($"[{Summary}]")));

        Assert.Contains("invoice list", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invoice_NotAnObject_IsNull()
    {
        Assert.Null(ApiResponseReader.Invoice(JsonNode.Parse("[]")));
        Assert.Null(ApiResponseReader.Invoice(null));
    }

    [Fact]
    public void Burns_BareArrayAsTheServerWritesIt_ReadsTokensAsText()
    {
        var burn = Assert.Single(ApiResponseReader.Burns(JsonNode.Parse("""[{"id":"burn-1","invoiceId":"INV-a","usdMinor":12345,"price":"2.50","tokenAmount":"4938000000","decimals":8,"status":"finalized","signature":"5sig","slot":42}]""")));

        Assert.Equal("4938000000", burn.TokenAmount);
        Assert.Equal(42UL, burn.Slot);
    }

    [Fact]
    public void LedgerVerification_ServerBody_ReadsCountsAndProblems()
    {
        var verification = ApiResponseReader.LedgerVerification(JsonNode.Parse("""{"ok":false,"entries":3,"anchors":1,"pendingAnchors":2,"authority":null,"ledger":null,"maxChainSilenceSeconds":22800,"problems":["book payments: entry 7 hash mismatch"],"details":[]}"""));

        Assert.False(verification.Ok);
        Assert.Equal(2, verification.PendingAnchors);
        Assert.Equal(22800, verification.MaxChainSilenceSeconds);
        Assert.Equal(["book payments: entry 7 hash mismatch"], verification.Problems);
    }

    [Fact]
    public void Ingest_NotJson_IsNullAndNoEventAcceptedProblemCarriesRejections()
    {
        Assert.Null(ApiResponseReader.Ingest("<html>"));

        var result = ApiResponseReader.Ingest("""{"type":"https://depin-billing.dev/problems/400","title":"No event accepted","status":400,"detail":"d","accepted":0,"rejected":[{"index":1,"id":"b","errors":["data.hotspotId: must decode to 32 bytes"]}]}""");

        Assert.Equal(0, result?.Accepted);
        var rejection = Assert.Single(result!.Rejected!);
        Assert.Equal(1, rejection.Index);
        Assert.Equal(["data.hotspotId: must decode to 32 bytes"], rejection.Errors);
    }
}
