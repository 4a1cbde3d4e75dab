using System.Text.Json.Nodes;
using Billing.Cli.Api.Responses;

namespace Billing.Cli.Tests.Api.Responses;

public sealed class ApiResponseReaderTests
{
    [Fact]
    public void Usage_NumbersAsStringsAndGroups_AreRead()
    {
        var usage = ApiResponseReader.Usage(JsonNode.Parse("""{"payer":"carrier-tmo","meter":"offload.bytes","window":"day","rows":[{"windowStart":"2026-10-02T00:00:00Z","group":{"rat":"wlan"},"quantity":"1000.5"},{"windowStart":"2026-10-03T00:00:00Z"}]}"""));

        Assert.Equal("offload.bytes", usage.Meter);
        Assert.Equal(1000.5m, usage.Rows[0].Quantity);
        Assert.Equal("wlan", usage.Rows[0].Group["rat"]);
        Assert.Equal(0m, usage.Rows[1].Quantity);
        Assert.Empty(usage.Rows[1].Group);
    }

    [Fact]
    public void InvoiceList_BareArrayOrWrapped_ReadsTheSameSummaries()
    {
        const string Summary = """{"id":"INV-a","payer":"a","period":{"start":"2026-10-01T00:00:00Z","end":"2026-11-01T00:00:00Z"},"totalMinor":"12","lines":[{},{}]}""";

        var wrapped = ApiResponseReader.InvoiceList(JsonNode.Parse($$"""{"period":"2026-10","invoices":[{{Summary}}]}"""));
        var bare = ApiResponseReader.InvoiceList(JsonNode.Parse($"[{Summary}]"));

        Assert.Equal("2026-10", wrapped.Period);
        Assert.Equal(wrapped.Invoices, bare.Invoices, (x, y) => x.Id == y.Id && x.TotalMinor == y.TotalMinor);
        var invoice = Assert.Single(bare.Invoices);
        Assert.Equal(12, invoice.TotalMinor);
        Assert.Equal("2", invoice.LineCount);
        Assert.Equal("2026-10-01T00:00:00Z", invoice.Period?.Start);
    }

    [Fact]
    public void Invoice_NotAnObject_IsNull()
    {
        Assert.Null(ApiResponseReader.Invoice(JsonNode.Parse("[]")));
        Assert.Null(ApiResponseReader.Invoice(null));
    }

    [Fact]
    public void LedgerVerification_ObjectProblems_BecomeKeyValueText()
    {
        var verification = ApiResponseReader.LedgerVerification(JsonNode.Parse("""{"ok":false,"entries":3,"anchors":1,"pendingAnchors":2,"problems":[{"book":"payments","sequence":7},"plain"]}"""));

        Assert.False(verification.Ok);
        Assert.Equal(2m, verification.PendingAnchorCount);
        Assert.Equal(["book=payments, sequence=7", "plain"], verification.Problems);
    }

    [Fact]
    public void Ingest_NotJson_IsNullAndRejectionsCarryReasons()
    {
        Assert.Null(ApiResponseReader.Ingest("<html>"));

        var result = ApiResponseReader.Ingest("""{"accepted":1,"rejected":[{"index":1,"id":"b","errors":[{"field":"data.hotspotId","reason":"must decode to 32 bytes"},"time: too old"]}]}""");

        Assert.Equal(1, result?.Accepted);
        var rejection = Assert.Single(result!.Rejected!);
        Assert.Equal(1, rejection.Index);
        Assert.Equal(["data.hotspotId: must decode to 32 bytes", "time: too old"], rejection.Reasons);
    }
}
