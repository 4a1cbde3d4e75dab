namespace Billing.Domain.Tests.Invoicing;

public class InvoiceJsonTests
{
    private static readonly BillingPeriod October = new(2026, 10);

    private const string PublicExample =
        """{"id":"INV-carrier-tmo-202610","payer":"carrier-tmo","plan":"carrier-standard-v1","period":{"start":"2026-10-01T00:00:00Z","end":"2026-11-01T00:00:00Z"},"status":"finalized","currency":"USD","lines":[{"meter":"offload.bytes","description":"Data offload","group":{},"quantity":12345,"unit":"DC","unitPrice":"0.00001","amount":"0.12"}],"total":"0.12","totalMinor":12,"stripeInvoiceId":null}""";

    /// <summary>What the stored form adds after the public shape: the usage <see cref="CarrierInvoice"/> was rated from.</summary>
    private const string RatedUsageEnd = ""","ratedUsage":{"offload.bytes":"1234500000"}}""";

    private static Invoice CarrierInvoice() =>
        RatingEngine.Rate(TestPlans.Carrier, "carrier-tmo", October, [TestPlans.Bytes(1_234_500_000)]).Finalize();

    // The stored form is the public shape, then the usage the lines were rated from (the API does not show it).
    [Fact]
    public void Serialize_CarrierInvoice_PublicShapeThenTheRatedUsage()
    {
        Assert.Equal(PublicExample[..^1] + RatedUsageEnd, InvoiceJson.Serialize(CarrierInvoice()));
    }

    [Fact]
    public void Serialize_ComputeInvoice_FractionalQuantityGroupAndMinimum()
    {
        Invoice invoice = RatingEngine.Rate(TestPlans.Compute, "tenant-acme", October, [TestPlans.Gpu("H100", 5_400), TestPlans.Gpu("RTX4090", 1)])
            .Finalize().MarkPaid().WithStripeInvoiceId("in_123");

        string json = InvoiceJson.Serialize(invoice);

        Assert.Contains("""{"meter":"compute.gpu_seconds","description":"GPU compute (H100)","group":{"gpuModel":"H100"},"quantity":1.5,"unit":"GPU-hour","unitPrice":"2.00","amount":"3.00"}""", json, StringComparison.Ordinal);
        Assert.Contains("\"quantity\":0.000278,", json, StringComparison.Ordinal);
        Assert.Contains("""{"meter":"minimum-commitment","description":"minimum commitment","group":{},"quantity":1,"unit":null,"unitPrice":"97.00","amount":"97.00"}""", json, StringComparison.Ordinal);
        Assert.EndsWith(""","total":"100.00","totalMinor":10000,"stripeInvoiceId":"in_123","ratedUsage":{"compute.gpu_seconds":"5401"}}""", json, StringComparison.Ordinal);
        Assert.Contains("\"status\":\"paid\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_Serialized_RoundTrips()
    {
        Invoice invoice = RatingEngine.Rate(
            TestPlans.Compute, "tenant-acme", October, [TestPlans.Gpu("A100", 4_000)], [Adjustments.Line(October.Previous, new Money(-150, Currency.USD))]);
        string json = InvoiceJson.Serialize(invoice);

        Invoice back = InvoiceJson.Deserialize(json);

        Assert.Equal(json, InvoiceJson.Serialize(back));
        Assert.Equal(invoice.Id, back.Id);
        Assert.Equal(invoice.Total, back.Total);
        Assert.Equal(new BillingPeriod(2026, 9), back.Lines[^1].AdjustedPeriod);
        Assert.Equal(InvoiceLineKind.PriorPeriodAdjustment, back.Lines[^1].Kind);
    }

    [Fact]
    public void Deserialize_PublicExample_Reads()
    {
        Invoice invoice = InvoiceJson.Deserialize(PublicExample);

        Assert.Equal("carrier-tmo", invoice.Payer);
        Assert.Equal(InvoiceStatus.Finalized, invoice.Status);
        Assert.Equal(12_345m, invoice.Lines[0].Quantity);
        Assert.Equal(new Money(12, Currency.USD), invoice.Total);
        Assert.Empty(invoice.RatedUsage); // stored before the rated usage was kept
    }

    // What the close rated survives every change of the invoice (paid, synced), so its document never reads the rollups again.
    [Fact]
    public void Deserialize_RatedInvoicePaidAndSynced_KeepsTheRatedUsage()
    {
        Invoice invoice = CarrierInvoice().MarkPaid().WithStripeInvoiceId("in_1");

        Invoice back = InvoiceJson.Deserialize(InvoiceJson.Serialize(invoice));

        Assert.Equal(new Dictionary<string, Int128> { ["offload.bytes"] = 1_234_500_000 }, back.RatedUsage);
    }

    [Theory]
    [InlineData("\"-5\"")]
    [InlineData("5")]
    [InlineData("\"1e3\"")]
    [InlineData("\"170141183460469231731687303715884105728\"")]
    public void Deserialize_RatedUsageNotAnUnsignedInteger_ThrowsJsonException(string value)
    {
        Assert.Throws<JsonException>(() => InvoiceJson.Deserialize(PublicExample[..^1] + $$$"""
            ,"ratedUsage":{"offload.bytes":{{{value}}}}}
            """));
    }

    [Theory]
    [InlineData("\"total\":\"0.12\"", "\"total\":\"0.13\"")]
    [InlineData("\"totalMinor\":12", "\"totalMinor\":13")]
    [InlineData("\"status\":\"finalized\"", "\"status\":\"done\"")]
    [InlineData("\"payer\":\"carrier-tmo\"", "\"payer\":\"carrier-att\"")]
    [InlineData("\"amount\":\"0.12\"", "\"amount\":0.12")]
    [InlineData("\"start\":\"2026-10-01T00:00:00Z\"", "\"start\":\"2026-10-02T00:00:00Z\"")]
    public void Deserialize_Inconsistent_ThrowsJsonException(string original, string replacement)
    {
        string json = PublicExample.Replace(original, replacement, StringComparison.Ordinal);
        Assert.NotEqual(PublicExample, json);

        Assert.Throws<JsonException>(() => InvoiceJson.Deserialize(json));
    }

    [Fact]
    public void Converter_WithJsonSerializer_SameShape()
    {
        var options = new JsonSerializerOptions { Converters = { new InvoiceJsonConverter() } };
        Invoice invoice = CarrierInvoice();

        string json = JsonSerializer.Serialize(invoice, options);

        Assert.Equal(PublicExample[..^1] + RatedUsageEnd, json);
        Assert.Equal(invoice.Id, JsonSerializer.Deserialize<Invoice>(json, options)!.Id);
    }

    [Fact]
    public void Status_Transitions_EnforcedAndImmutable()
    {
        Invoice draft = CarrierInvoice().Void().Reissue([]);

        Assert.Equal("INV-carrier-tmo-202610-r1", draft.Id.ToString());
        Assert.Equal(InvoiceStatus.Draft, draft.Status);
        Assert.Throws<InvalidOperationException>(() => draft.MarkPaid());
        Invoice paid = draft.Finalize().MarkPaid();
        Assert.Throws<InvalidOperationException>(() => paid.Void());
        Assert.Throws<InvalidOperationException>(() => paid.Finalize());
        Assert.Equal(InvoiceStatus.Draft, draft.Status);
    }

    [Theory]
    [InlineData("INV-carrier-tmo-202610", "carrier-tmo", 2026, 10, 0)]
    [InlineData("INV-carrier-tmo-202610-r3", "carrier-tmo", 2026, 10, 3)]
    [InlineData("INV-a-r1-202601", "a-r1", 2026, 1, 0)]
    public void InvoiceId_Parse_RoundTrips(string text, string payer, int year, int month, int revision)
    {
        InvoiceId id = InvoiceId.Parse(text);

        Assert.Equal(new InvoiceId(payer, new BillingPeriod(year, month), revision), id);
        Assert.Equal(text, id.ToString());
    }

    [Theory]
    [InlineData("INV-202610")]
    [InlineData("inv-a-202610")]
    [InlineData("INV-a-202613")]
    [InlineData("INV-a-2026-10")]
    [InlineData("INV-a-202610-r0")]
    public void InvoiceId_ParseInvalid_ThrowsFormat(string text)
    {
        Assert.Throws<FormatException>(() => InvoiceId.Parse(text));
    }

    [Fact]
    public void Invoice_LineInOtherCurrency_Throws()
    {
        InvoiceLine eur = Adjustments.Line(October, new Money(1, Currency.EUR));

        Assert.Throws<CurrencyMismatchException>(
            () => new Invoice(new InvoiceId("p", October), "plan", InvoiceStatus.Draft, Currency.USD, [eur]));
    }
}
