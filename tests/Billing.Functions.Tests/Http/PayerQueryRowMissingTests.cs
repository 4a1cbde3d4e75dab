using Billing.Contracts.Partners;

namespace Billing.Functions.Tests.Http;

/// <summary>
/// Every route that takes <c>?payer=</c> when the payer's partner row was removed from storage outside the platform while
/// its records remain: finance still reads them, and the answer says the row is missing instead of "not a partner".
/// </summary>
[Collection(PlatformCollection.Name)]
public class PayerQueryRowMissingTests(PlatformFixture platform)
{
    private BillingTables Tables => new(new TableServiceClient(platform.ConnectionString), new StorageOptions { TablePrefix = platform.TablePrefix });

    private static Invoice OctoberInvoice(string payer)
    {
        var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 1m, new Money(100, Currency.USD));
        return new Invoice(new InvoiceId(payer, new BillingPeriod(2026, 10)), "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [line], null).Finalize();
    }

    /// <summary>A carrier made through the API with an October 2026 invoice stored, its row (and its trail too) then deleted.</summary>
    private async Task<(string Id, string InvoiceId, string ApiKey)> PayerWithoutRowAsync(bool trailToo)
    {
        string id = "carrier-rowless-" + Guid.NewGuid().ToString("N")[..8];
        string apiKey;
        using (var created = await platform.CreatePartnerAsync(id, "carrier", "carrier-standard-v1"))
        {
            string text = await created.Content.ReadAsStringAsync();
            Assert.True(created.IsSuccessStatusCode, text);
            apiKey = JsonNode.Parse(text)!["apiKey"]!.GetValue<string>();
        }

        var invoice = OctoberInvoice(id);
        await new InvoiceStore(Tables).AddOrGetAsync(invoice, CancellationToken.None);

        // As someone with write access to storage could: the row goes, and with trailToo every audit row of it.
        var partners = Tables.Partners;
        var keys = new List<string> { id };
        if (trailToo)
        {
            await foreach (var e in partners.QueryAsync<TableEntity>($"PartitionKey eq 'p' and RowKey ge '|a|p|{id}|' and RowKey lt '|a|p|{id}}}'", select: ["RowKey"]))
            {
                keys.AddRange([e.RowKey, "|a|t|" + e.RowKey[$"|a|p|{id}|".Length..]]);
            }
        }

        foreach (string key in keys)
        {
            await partners.DeleteEntityAsync("p", key, ETag.All);
        }

        return (id, invoice.Id.ToString(), apiKey);
    }

    public static TheoryData<string, string, bool> RoutesAndWhatIsLeft()
    {
        var data = new TheoryData<string, string, bool>();
        foreach (var row in PayerQueryTests.PayerRoutes())
        {
            data.Add((string)row[0], (string)row[1], false); // the audit trail and the invoice are left
            data.Add((string)row[0], (string)row[1], true); // only the invoice is
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(RoutesAndWhatIsLeft))]
    public async Task Route_PayerRowDeletedWithRecordsLeft_ReadAndSaysTheRowIsMissing(string method, string path, bool trailToo)
    {
        var (id, invoiceId, _) = await PayerWithoutRowAsync(trailToo);

        using var request = platform.Request(new HttpMethod(method), path + id, PlatformFixture.FinanceKey);
        using var response = await platform.Client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}"); // before: 400 "not a partner of this platform"
        Assert.Equal(PayerQueryHeaders.RowMissingText, Assert.Single(response.Headers.GetValues(PayerQueryHeaders.RowMissing)));
        if (path.StartsWith("api/v1/invoices", StringComparison.Ordinal))
        {
            Assert.Contains(invoiceId, body, StringComparison.Ordinal); // the money stays readable
        }
    }

    [Fact]
    public async Task Invoices_PayerWhoseIdOnlyBeginsAnotherPayersInvoiceId_StillNoPartner()
    {
        string id = "carrier-prefix-" + Guid.NewGuid().ToString("N")[..8];
        await new InvoiceStore(Tables).AddOrGetAsync(OctoberInvoice(id + "-eu"), CancellationToken.None); // INV-{id}-eu-202610: not one of id's

        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/invoices?payer=" + id, PlatformFixture.FinanceKey));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains(PayerQueryHeaders.RowMissing));
    }

    [Fact]
    public async Task OwnInvoices_PayerRowDeleted_Answers500SayingTheRecordIsMissingNot401()
    {
        var (id, _, apiKey) = await PayerWithoutRowAsync(trailToo: false);

        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/invoices?payer=" + id, apiKey));
        string body = await response.Content.ReadAsStringAsync();

        // Before: 401, as for a wrong key. Without the row the key cannot be checked (expiry, revocation, status), so nothing
        // is shown, but the holder is told what is wrong.
        Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("Partner record missing", JsonNode.Parse(body)!["title"]!.GetValue<string>());
        Assert.Equal(Billing.Contracts.Problems.ApiProblem.StorageIntegrityType, JsonNode.Parse(body)!["type"]!.GetValue<string>()); // before: …/500, as for an unexpected failure a retry may mend
    }
}
