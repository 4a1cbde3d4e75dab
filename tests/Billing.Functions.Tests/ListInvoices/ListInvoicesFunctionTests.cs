using Billing.Functions.ListInvoices;

namespace Billing.Functions.Tests.ListInvoices;

/// <summary>GET /api/v1/invoices against the running platform, with an invoice row changed outside it.</summary>
[Collection(PlatformCollections.Invoicing)]
public class ListInvoicesFunctionTests(PlatformFixture platform)
{
    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(string path, string key)
    {
        await UnreadableInvoiceRows.StoreAsync(platform);
        var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, path, key));
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    [Fact]
    public async Task ListInvoices_FinanceAndOneRowHoldsAPlantedValue_ListsTheOthersAndTheRowUnderUnreadableNamingTheProperty()
    {
        var (status, body, response) = await GetAsync($"api/v1/invoices?period={UnreadableInvoiceRows.Period}", PlatformFixture.FinanceKey);
        using var _ = response;

        Assert.True(status == HttpStatusCode.OK, body); // before: an empty 500
        var json = JsonNode.Parse(body)!;
        Assert.Equal([UnreadableInvoiceRows.Readable], json["invoices"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
        var unreadable = Assert.Single(json["unreadable"]!.AsArray())!;
        Assert.Equal(UnreadableInvoiceRows.Planted, unreadable["id"]!.GetValue<string>());
        Assert.Contains("property 'TotalMinor': Edm.String found, Edm.Int64 expected", unreadable["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListInvoices_PayerWhoseInvoiceRowIsUnreadable_HearsOfItInGeneralTermsAndOthersNot()
    {
        var (carrierStatus, carrierBody, carrier) = await GetAsync($"api/v1/invoices?period={UnreadableInvoiceRows.Period}", PlatformFixture.CarrierKey);
        var (tenantStatus, tenantBody, tenant) = await GetAsync($"api/v1/invoices?period={UnreadableInvoiceRows.Period}", PlatformFixture.TenantKey);
        carrier.Dispose();
        tenant.Dispose();

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (carrierStatus, tenantStatus));
        var own = JsonNode.Parse(carrierBody)!;
        Assert.Empty(own["invoices"]!.AsArray());
        var unreadable = Assert.Single(own["unreadable"]!.AsArray())!;
        Assert.Equal((UnreadableInvoiceRows.Planted, ListInvoicesFunction.PartnerReason), (unreadable["id"]!.GetValue<string>(), unreadable["reason"]!.GetValue<string>()));
        var other = JsonNode.Parse(tenantBody)!;
        Assert.Null(other["unreadable"]); // absent unless there is one: existing clients see the answer they always saw
        Assert.Single(other["invoices"]!.AsArray());
    }

    [Fact]
    public async Task ListInvoices_CsvWithAnUnreadableRow_ExportsTheOthersAndNamesItInAHeader()
    {
        var (status, body, response) = await GetAsync($"api/v1/invoices?period={UnreadableInvoiceRows.Period}&format=csv", PlatformFixture.FinanceKey);
        using var _ = response;

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(UnreadableInvoiceRows.Readable, body, StringComparison.Ordinal);
        Assert.DoesNotContain(UnreadableInvoiceRows.Planted, body, StringComparison.Ordinal);
        Assert.Equal([UnreadableInvoiceRows.Planted], response.Headers.GetValues(Billing.Contracts.Invoices.InvoiceListHeaders.Unreadable));
    }
}
