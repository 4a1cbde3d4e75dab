namespace Billing.Functions.Tests.ClosePeriod;

/// <summary>POST /api/v1/periods/{m}/close against the running platform, for a month whose close record was changed outside it.</summary>
[Collection(PlatformCollections.Invoicing)]
public class ClosePeriodFunctionTests(PlatformFixture platform)
{
    [Fact]
    public async Task ClosePeriod_CloseRecordHoldsAPlantedValue_Returns409ProblemNamingTheRow()
    {
        var tables = new BillingTables(new TableServiceClient(platform.ConnectionString), new StorageOptions { TablePrefix = platform.TablePrefix });
        var march = new BillingPeriod(2019, 3); // a month no other test closes
        await new InvoiceStore(tables).TrySaveCloseAsync(new PeriodCloseRecord(march, march.End, new Dictionary<string, string>()), null, CancellationToken.None);
        // As someone with write access to storage could.
        await tables.Invoices.UpdateEntityAsync(new TableEntity("close", march.ToCompactString()) { ["ClosedAt"] = "yesterday" }, ETag.All, TableUpdateMode.Merge);

        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Post, "api/v1/periods/2019-03/close?force=true", PlatformFixture.FinanceKey));
        string text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.Conflict, text); // before: an empty 500
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Contains("property 'ClosedAt': Edm.String found, Edm.DateTime expected", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("period", problem["errors"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(Billing.Contracts.Problems.ApiProblem.StorageIntegrityType, problem["type"]!.GetValue<string>()); // before: …/problems/409, like any conflict
    }
}
