using Billing.Functions.Tests.StripeWebhook;

namespace Billing.Functions.Tests.AcknowledgeFinding;

/// <summary>
/// POST /api/v1/ledger/reconcile/acknowledgements against the running platform: findings made by real signed webhooks,
/// acknowledged by finance, then listed apart by reconcile until their detail changes. Each test has a payer of its own
/// and invoices of 2017 (a year no other test uses), so the subjects are its own.
/// </summary>
[Collection(PlatformCollections.Payments)]
public class AcknowledgeFindingFunctionTests(PlatformFixture platform)
{
    private const string Note = Acknowledgements.Note;

    private readonly SignedStripe stripe = new(platform);

    private readonly Acknowledgements acknowledgements = new(platform);

    private Task<(HttpStatusCode Status, JsonNode Body)> AcknowledgeAsync(string body, string key = PlatformFixture.FinanceKey) => acknowledgements.PostAsync(body, key);

    private static string Request(string kind, string subject, string detailSha256, string note = Note) => Acknowledgements.Request(kind, subject, detailSha256, note);

    private Task<string> RequestForAsync(string subject, string note = Note) => acknowledgements.RequestForAsync(subject, note);

    private Task<(JsonNode[] Open, JsonNode[] Acknowledged)> FindingsAsync(string subject) => acknowledgements.FindingsAsync(subject);

    private Task<string> UnappliedPaymentAsync() => acknowledgements.UnappliedPaymentAsync();

    [Fact]
    public async Task Acknowledge_UnappliedPaymentSettledOutside_ListedApartWithWhoAndWhy()
    {
        string eventId = await UnappliedPaymentAsync();
        var open = Assert.Single((await FindingsAsync(eventId)).Open);

        var (status, body) = await AcknowledgeAsync(await RequestForAsync(eventId));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body["replay"]!.GetValue<bool>());
        Assert.Equal("PaymentForUnknownInvoice", open["kind"]!.GetValue<string>());
        var acknowledged = Assert.Single(body["acknowledged"]!.AsArray())!;
        Assert.Equal(("PaymentForUnknownInvoice", eventId, open["detail"]!.GetValue<string>(), Note, "finance"),
            (acknowledged["kind"]!.GetValue<string>(), acknowledged["subject"]!.GetValue<string>(), acknowledged["detail"]!.GetValue<string>(),
             acknowledged["note"]!.GetValue<string>(), acknowledged["acknowledgedBy"]!.GetValue<string>()));
        Assert.StartsWith("reconcile-ack:", acknowledged["entryId"]!.GetValue<string>(), StringComparison.Ordinal);
        var (stillOpen, listed) = await FindingsAsync(eventId);
        Assert.Empty(stillOpen);
        Assert.Equal((Note, acknowledged["entryId"]!.GetValue<string>()), (Assert.Single(listed)["note"]!.GetValue<string>(), listed[0]["entryId"]!.GetValue<string>()));

        // The acknowledgement is an entry of the book (evidence: no postings), so the anchors cover it.
        long last = (await stripe.GetAsync("api/v1/ledger/entries?limit=1"))["head"]!["sequence"]!.GetValue<long>();
        var entry = (await stripe.GetAsync($"api/v1/ledger/entries?from={Math.Max(1, last - 99)}&limit=100"))["entries"]!.AsArray()
            .Single(e => e!["entryId"]!.GetValue<string>() == acknowledged["entryId"]!.GetValue<string>())!;
        Assert.Equal(("ReconcileAcknowledged", 0), (entry["kind"]!.GetValue<string>(), entry["postings"]!.AsArray().Count));
    }

    [Fact]
    public async Task Acknowledge_Again_ReplayKeepsTheFirstNote()
    {
        string eventId = await UnappliedPaymentAsync();
        string request = await RequestForAsync(eventId);
        var (_, first) = await AcknowledgeAsync(request);

        var (status, again) = await AcknowledgeAsync(request.Replace(Note, "a second reason", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(again["replay"]!.GetValue<bool>());
        Assert.Equal(first["acknowledged"]![0]!.ToJsonString(), Assert.Single(again["acknowledged"]!.AsArray())!.ToJsonString());
    }

    [Fact]
    public async Task Acknowledge_FindingWhoseDetailChangesLater_IsReportedAgain()
    {
        string suffix = Guid.NewGuid().ToString("N")[..8];
        string payer = "carrier-ack" + suffix, customer = "cus_ack" + suffix, id = $"INV-{payer}-201702";
        using (var create = await platform.CreatePartnerAsync(payer, "carrier", "carrier-standard-v1", customer))
        {
            Assert.Equal(HttpStatusCode.Created, create.StatusCode);
        }

        await stripe.StoreInvoiceAsync(id, "in_ack_" + suffix, book: true);
        await stripe.PostAsync(StripeTestEvents.InvoicePaid("evt_ack1_" + suffix, "in_ack_" + suffix, id, 500, "usd", customer, DateTimeOffset.UtcNow));
        Assert.Contains("7.34 USD remaining", Assert.Single((await FindingsAsync(id)).Open)["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        string request = await RequestForAsync(id, "written off: goodwill");
        var (status, _) = await AcknowledgeAsync(request);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty((await FindingsAsync(id)).Open);

        // More money arrives (amount_paid is cumulative): another finding, which nobody has acknowledged.
        await stripe.PostAsync(StripeTestEvents.InvoicePaid("evt_ack2_" + suffix, "in_ack_" + suffix, id, 700, "usd", customer, DateTimeOffset.UtcNow));

        var (open, acknowledged) = await FindingsAsync(id);
        Assert.Contains("5.34 USD remaining", Assert.Single(open)["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(acknowledged);

        // What finance saw and settled was the 7.34 shortfall: sending that again does not acknowledge the 5.34 one.
        var (again, problem) = await AcknowledgeAsync(request);
        Assert.Equal((HttpStatusCode.Conflict, "detailSha256"), (again, problem["errors"]![0]!["field"]!.GetValue<string>()));
        Assert.Contains("5.34 USD remaining", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single((await FindingsAsync(id)).Open);
    }

    [Fact]
    public async Task Acknowledge_DetailChangedBeforeTheRequest_Returns409AndBooksNothing()
    {
        // The digest sent names a detail the finding does not have now (as when money moved after finance read it).
        string eventId = await UnappliedPaymentAsync();
        var (status, problem) = await AcknowledgeAsync(Request("PaymentForUnknownInvoice", eventId, new string('0', 12)));

        Assert.Equal((HttpStatusCode.Conflict, "detailSha256"), (status, problem["errors"]![0]!["field"]!.GetValue<string>()));
        Assert.Contains("does not read as it did", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single((await FindingsAsync(eventId)).Open);
    }

    [Fact]
    public async Task Acknowledge_NoSuchFindingNow_Returns404()
    {
        var (status, problem) = await AcknowledgeAsync(Request("PaymentForUnknownInvoice", "evt_never_" + Guid.NewGuid().ToString("N"), "0123456789ab"));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("reconcile reports no PaymentForUnknownInvoice finding about", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("InvoiceUnreadable")]
    [InlineData("PaymentNotSettled")]
    [InlineData("BurnStuck")]
    [InlineData("BurnNotBooked")]
    [InlineData("InvoiceNotBooked")]
    [InlineData("CreditNoteNotBooked")]
    public async Task Acknowledge_KindSettledByRepairOrRetry_Returns409NamingKind(string kind)
    {
        var (status, problem) = await AcknowledgeAsync(Request(kind, "anything", "0123456789ab"));

        Assert.Equal((HttpStatusCode.Conflict, "kind"), (status, problem["errors"]![0]!["field"]!.GetValue<string>()));
        Assert.Contains($"a {kind} finding is not acknowledged", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind": "PaymentForUnknownInvoice", "subject": "evt_1", "detailSha256": "0123456789ab"}""", "note")]
    [InlineData("""{"kind": "PaymentForUnknownInvoice", "subject": "evt_1", "detailSha256": "0123456789ab", "note": "two\nlines"}""", "note")]
    [InlineData("""{"kind": "PaymentForUnknownInvoice", "subject": "evt_1", "detailSha256": "0123456789ab", "note": "  "}""", "note")]
    [InlineData("""{"kind": 7, "subject": "evt_1", "detailSha256": "0123456789ab", "note": "x"}""", "kind")]
    [InlineData("""{"subject": "evt_1", "detailSha256": "0123456789ab", "note": "x"}""", "kind")]
    [InlineData("""{"kind": "PaymentForUnknownInvoice", "subject": "", "detailSha256": "0123456789ab", "note": "x"}""", "subject")]
    [InlineData("""{"kind": "PaymentForUnknownInvoice", "subject": "evt_1", "note": "x"}""", "detailSha256")]
    [InlineData("""{"kind": "PaymentForUnknownInvoice", "subject": "evt_1", "detailSha256": "0123", "note": "x"}""", "detailSha256")]
    [InlineData("""{"kind": "PaymentForUnknownInvoice", "subject": "evt_1", "detailSha256": "0123456789AB", "note": "x"}""", "detailSha256")]
    [InlineData("""{"kind": "PaymentForUnknownInvoice", "subject": "evt_1", "detailSha256": "0123456789ab", "note": "x", "amount": 1}""", "amount")]
    [InlineData("""[1]""", "$")]
    [InlineData("""{"kind": "PaymentForUnknownInvoice", "kind": "CreditNoteAfterBurn"}""", "$")]
    public async Task Acknowledge_BadBody_Returns400NamingTheField(string body, string field)
    {
        var (status, problem) = await AcknowledgeAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(problem["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == field);
    }

    /// <summary>A JSON escape of a lone surrogate is valid JSON but no text: reading it threw, and the route answered 500.</summary>
    [Theory]
    [InlineData("""{"kind": "PaymentForUnknownInvoice", "subject": "evt_1", "detailSha256": "0123456789ab", "note": "\ud800"}""", "note")]
    [InlineData("""{"kind": "PaymentForUnknownInvoice", "subject": "evt_\udc00", "detailSha256": "0123456789ab", "note": "x"}""", "subject")]
    public async Task Acknowledge_FieldIsALoneSurrogate_Returns400NamingTheField(string body, string field)
    {
        var (status, problem) = await AcknowledgeAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal((field, "must be valid Unicode text (it contains a lone surrogate)"), (error["field"]!.GetValue<string>(), error["reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Acknowledge_PartnerKey_Returns403AndBooksNothing()
    {
        string eventId = await UnappliedPaymentAsync();

        var (status, _) = await AcknowledgeAsync(await RequestForAsync(eventId), PlatformFixture.CarrierKey);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Single((await FindingsAsync(eventId)).Open);
    }
}
