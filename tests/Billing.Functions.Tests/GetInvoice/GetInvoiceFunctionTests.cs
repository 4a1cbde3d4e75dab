using Billing.Functions.Tests.ListInvoices;

namespace Billing.Functions.Tests.GetInvoice;

/// <summary>GET /api/v1/invoices/{id} against the running platform, for an invoice whose row, or whose burn's row, was changed outside it.</summary>
[Collection(PlatformCollections.Invoicing)]
public class GetInvoiceFunctionTests(PlatformFixture platform)
{
    private async Task<(HttpStatusCode Status, string? Type, JsonNode? Problem)> GetAsync(string path, string key)
    {
        await UnreadableInvoiceRows.StoreAsync(platform);
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, path, key));
        string? type = response.Content.Headers.ContentType?.MediaType;
        return (response.StatusCode, type, type == "application/problem+json" ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null);
    }

    [Fact]
    public async Task GetInvoice_RowHoldsAPlantedValue_Returns500ProblemNamingThePropertyToFinanceOnly()
    {
        var finance = await GetAsync($"api/v1/invoices/{UnreadableInvoiceRows.Planted}", PlatformFixture.FinanceKey);
        var payer = await GetAsync($"api/v1/invoices/{UnreadableInvoiceRows.Planted}?format=csv", PlatformFixture.CarrierKey);

        Assert.Equal((HttpStatusCode.InternalServerError, "application/problem+json"), (finance.Status, finance.Type)); // before: an empty 500
        Assert.Contains("property 'TotalMinor': Edm.String found, Edm.Int64 expected", finance.Problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.InternalServerError, "application/problem+json"), (payer.Status, payer.Type));
        string detail = payer.Problem!["detail"]!.GetValue<string>();
        Assert.Contains(UnreadableInvoiceRows.Planted, detail, StringComparison.Ordinal);
        Assert.DoesNotContain("TotalMinor", detail, StringComparison.Ordinal);
        Assert.Equal([Billing.Contracts.Problems.ApiProblem.StorageIntegrityType, Billing.Contracts.Problems.ApiProblem.StorageIntegrityType], new[] { finance.Problem, payer.Problem }.Select(p => p["type"]!.GetValue<string>())); // before: …/500
    }

    [Fact]
    public async Task GetInvoice_PdfWhoseBurnRowIsUnreadable_Returns500ProblemInsteadOfADocumentWithoutTheBurn()
    {
        var json = await GetAsync($"api/v1/invoices/{UnreadableInvoiceRows.Readable}", PlatformFixture.FinanceKey);
        var pdf = await GetAsync($"api/v1/invoices/{UnreadableInvoiceRows.Readable}?format=pdf", PlatformFixture.FinanceKey);

        Assert.Equal((HttpStatusCode.OK, "application/json"), (json.Status, json.Type));
        Assert.Equal((HttpStatusCode.InternalServerError, "application/problem+json"), (pdf.Status, pdf.Type));
        Assert.Contains("property 'UsdMinor'", pdf.Problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetInvoice_PayerTooLongForARowKey_Returns404Problem()
    {
        string id = $"INV-{new string('#', 200)}-202610"; // well-formed, but its row key would be 611 characters

        var (status, type, problem) = await GetAsync($"api/v1/invoices/{Uri.EscapeDataString(id)}", PlatformFixture.FinanceKey);

        Assert.Equal((HttpStatusCode.NotFound, "application/problem+json"), (status, type));
        Assert.Contains(id, problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
