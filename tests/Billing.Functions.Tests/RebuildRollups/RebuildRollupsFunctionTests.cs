using Billing.Functions.Tests.QueryUsage;

namespace Billing.Functions.Tests.RebuildRollups;

/// <summary>POST /api/v1/rollups/rebuild against the running platform.</summary>
[Collection(PlatformCollection.Name)]
public class RebuildRollupsFunctionTests(PlatformFixture platform)
{
    [Fact]
    public async Task Rebuild_MonthWithAnUnreadableFactRow_Returns409ProblemNamingTheRow()
    {
        string payer = await UnreadableFactRows.StoreAsync(platform);

        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Post, $"api/v1/rollups/rebuild?payer={payer}&month=2026-03", PlatformFixture.FinanceKey));
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode); // before: an empty 500
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        string detail = JsonNode.Parse(text)!["detail"]!.GetValue<string>();
        Assert.Equal(Billing.Contracts.Problems.ApiProblem.StorageIntegrityType, JsonNode.Parse(text)!["type"]!.GetValue<string>()); // before: …/problems/409
        Assert.Contains("not rebuilt", detail, StringComparison.Ordinal);
        Assert.Contains($"row '{FactStore.TimeRowKey(UnreadableFactRows.Time, payer, "t-1")}'", detail, StringComparison.Ordinal);
        Assert.Contains("billing rollups verify", detail, StringComparison.Ordinal);

        using var verify = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, $"api/v1/rollups/verify?payer={payer}&month=2026-03", PlatformFixture.FinanceKey));
        var report = JsonNode.Parse(await verify.Content.ReadAsStringAsync())!;
        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        Assert.False(report["ok"]!.GetValue<bool>());
        Assert.Contains(report["differences"]!.AsArray(), d => d!["kind"]!.GetValue<string>() == "unreadable");
        Assert.Empty(report["unsettled"]!.AsArray()); // nothing metered while it read: every row checked
    }
}
