using Billing.Contracts.Burns;

namespace Billing.Functions.Tests.ListBurns;

/// <summary>GET /api/v1/burns against the running platform, with a burn row changed outside it.</summary>
[Collection(PlatformCollection.Name)]
public class ListBurnsFunctionTests(PlatformFixture platform)
{
    /// <summary>Two ended burns (never executed) of fresh invoices, text planted in the second's <c>UsdMinor</c>; returns both ids.</summary>
    private async Task<(string Readable, string Planted)> StoreWithOnePlantedAsync()
    {
        var tables = new BillingTables(new TableServiceClient(platform.ConnectionString), new StorageOptions { TablePrefix = platform.TablePrefix });
        var burns = new BurnStore(tables);
        var ids = new List<string>();
        foreach (string suffix in new[] { "a", "b" })
        {
            string invoiceId = $"INV-planted{Guid.NewGuid():N}"[..24] + suffix + "-202610";
            var intent = SampleBurns.Pending(BurnIntent.IdFor(invoiceId), invoiceId, 700, DateTimeOffset.UtcNow) with { Status = BurnStatus.Failed, Reason = "test" };
            await burns.CreateIfAbsentAsync(intent, CancellationToken.None);
            ids.Add(intent.Id);
        }

        // As someone with write access to storage could.
        await tables.Burns.UpdateEntityAsync(new TableEntity("burn", TableKey.Escape(ids[1])) { ["UsdMinor"] = "700" }, ETag.All, TableUpdateMode.Merge);
        return (ids[0], ids[1]);
    }

    [Fact]
    public async Task ListBurns_OneRowHoldsAPlantedValue_ListsTheOthersAndNamesItInAHeader()
    {
        var (readable, planted) = await StoreWithOnePlantedAsync();

        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/burns", PlatformFixture.FinanceKey));
        string text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text); // before: an empty 500
        var ids = JsonNode.Parse(text)!.AsArray().Select(b => b!["id"]!.GetValue<string>()).ToList();
        Assert.Contains(readable, ids);
        Assert.DoesNotContain(planted, ids);
        Assert.True(response.Headers.TryGetValues(BurnListHeaders.Unreadable, out var named));
        Assert.Contains(Uri.EscapeDataString(planted), string.Join(",", named).Split(','));
    }

    [Fact]
    public async Task ListBurns_ByAnInvoiceWhoseBurnIsUnreadable_Returns500ProblemNamingTheBurnAndProperty()
    {
        var (readable, planted) = await StoreWithOnePlantedAsync();
        string invoiceId = planted["burn-".Length..];

        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, $"api/v1/burns?invoiceId={invoiceId}", PlatformFixture.FinanceKey));
        string text = await response.Content.ReadAsStringAsync();
        using var other = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, $"api/v1/burns?invoiceId={readable["burn-".Length..]}", PlatformFixture.FinanceKey));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        string detail = JsonNode.Parse(text)!["detail"]!.GetValue<string>();
        Assert.Equal(Billing.Contracts.Problems.ApiProblem.StorageIntegrityType, JsonNode.Parse(text)!["type"]!.GetValue<string>()); // before: …/500
        Assert.Contains(planted, detail, StringComparison.Ordinal);
        Assert.Contains("property 'UsdMinor': Edm.String found, Edm.Int64 expected", detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.False(other.Headers.Contains(BurnListHeaders.Unreadable));
        Assert.Equal(readable, Assert.Single(JsonNode.Parse(await other.Content.ReadAsStringAsync())!.AsArray())!["id"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(300, '/')]
    [InlineData(600, 'a')]
    [InlineData(200, '#')]
    public async Task ListBurns_InvoiceIdTooLongForARowKey_Returns200EmptyArray(int length, char c)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, $"api/v1/burns?invoiceId={Uri.EscapeDataString(new string(c, length))}", PlatformFixture.FinanceKey));
        string text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        Assert.Empty(JsonNode.Parse(text)!.AsArray());
    }
}
