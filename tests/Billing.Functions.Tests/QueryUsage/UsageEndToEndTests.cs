namespace Billing.Functions.Tests.QueryUsage;

/// <summary>Partners post through the HTTP API; metering runs off the in-process hubs; usage is queried back.</summary>
[Collection(PlatformCollection.Name)]
public class UsageEndToEndTests(PlatformFixture platform)
{
    private static long Sum(JsonObject usage, string hotspot) =>
        usage["rows"]!.AsArray().Where(r => r!["group"]!["hotspot"]?.GetValue<string>() == hotspot).Sum(r => r!["quantity"]!.GetValue<long>());

    [Fact]
    public async Task CarrierBatch_QueriedByHourDayAndMonth_ReturnsExactTotals()
    {
        string hotspot = PlatformFixture.NewHotspot();
        var hourStart = new DateTimeOffset(DateTime.UtcNow.Year, DateTime.UtcNow.Month, DateTime.UtcNow.Day, DateTime.UtcNow.Hour, 0, 0, TimeSpan.Zero);
        // Two sessions in the previous hour and one in the hour before, so hourly windows split them.
        var t1 = hourStart.AddMinutes(-30);
        var t2 = hourStart.AddMinutes(-1);
        var t3 = hourStart.AddMinutes(-90);
        var batch = new JsonArray(
            SampleEvents.Carrier($"e2e-{hotspot}-1", hotspot, 1_000, 2_000, t1),
            SampleEvents.Carrier($"e2e-{hotspot}-2", hotspot, 10, 20, t2, rat: "nr"),
            SampleEvents.Carrier($"e2e-{hotspot}-3", hotspot, 100_000, 0, t3, rat: "cbrs"));

        using var post = await platform.PostUsageAsync(PlatformFixture.CarrierKey, batch);
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        using var again = await platform.PostUsageAsync(PlatformFixture.CarrierKey, batch); // a partner retry: counts once
        await platform.DrainAsync();

        string range = $"from={SampleEvents.Time(hourStart.AddHours(-3))}&to={SampleEvents.Time(hourStart.AddHours(1))}";
        var hourly = await platform.GetUsageAsync(PlatformFixture.CarrierKey, $"{range}&window=hour&groupBy=hotspot");
        var hourRows = hourly["rows"]!.AsArray().Where(r => r!["group"]!["hotspot"]!.GetValue<string>() == hotspot).ToList();
        Assert.Equal(2, hourRows.Count);
        Assert.Equal(100_000, hourRows.Single(r => r!["windowStart"]!.GetValue<string>() == SampleEvents.Time(hourStart.AddHours(-2)))!["quantity"]!.GetValue<long>());
        Assert.Equal(3_030, hourRows.Single(r => r!["windowStart"]!.GetValue<string>() == SampleEvents.Time(hourStart.AddHours(-1)))!["quantity"]!.GetValue<long>());

        var daily = await platform.GetUsageAsync(PlatformFixture.CarrierKey, $"{range}&window=day&groupBy=hotspot");
        Assert.Equal(103_030, Sum(daily, hotspot));
        Assert.Equal("day", daily["window"]!.GetValue<string>());

        var sessions = await platform.GetUsageAsync(PlatformFixture.FinanceKey, $"payer=carrier-tmo&meter=offload.sessions&{range}&window=month&groupBy=hotspot,rat");
        Assert.Equal(3, Sum(sessions, hotspot));
        Assert.Equal(3, sessions["rows"]!.AsArray().Count(r => r!["group"]!["hotspot"]!.GetValue<string>() == hotspot));
    }

    [Fact]
    public async Task ComputeUsage_TenantReadsGpuSeconds_CarrierIsForbidden_ProviderSeesOwnReports()
    {
        var end = DateTimeOffset.UtcNow.AddHours(-3);
        end = new DateTimeOffset(end.Year, end.Month, end.Day, end.Hour, 0, 0, TimeSpan.Zero);
        string lease = "lease-" + Guid.NewGuid().ToString("N")[..8];
        var batch = new JsonArray(
            SampleEvents.Compute($"{lease}:1", lease, "H100", 8, end),
            SampleEvents.Compute($"{lease}:2", lease, "H100", 8, end.AddHours(1), seconds: 1800));

        using var post = await platform.PostUsageAsync(PlatformFixture.ProviderKey, batch);
        Assert.Equal(HttpStatusCode.Accepted, post.StatusCode);
        await platform.DrainAsync();

        string query = $"from={SampleEvents.Time(end.AddHours(-2))}&to={SampleEvents.Time(end.AddHours(2))}&groupBy=lease";
        var tenant = await platform.GetUsageAsync(PlatformFixture.TenantKey, query);
        Assert.Equal("compute.gpu_seconds", tenant["meter"]!.GetValue<string>());
        Assert.Equal(8 * 3600 + 8 * 1800, tenant["rows"]!.AsArray().Where(r => r!["group"]!["lease"]!.GetValue<string>() == lease).Sum(r => r!["quantity"]!.GetValue<long>()));

        var provider = await platform.GetUsageAsync(PlatformFixture.ProviderKey, "payer=tenant-lab&" + query);
        Assert.Equal(8 * 5400, provider["rows"]!.AsArray().Where(r => r!["group"]!["lease"]!.GetValue<string>() == lease).Sum(r => r!["quantity"]!.GetValue<long>()));

        using var forbidden = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/usage?payer=tenant-lab&meter=compute.gpu_seconds", PlatformFixture.CarrierKey));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Theory]
    [InlineData("meter=bogus", "meter")]
    [InlineData("window=week", "window")]
    [InlineData("from=yesterday", "from")]
    [InlineData("from=2026-10-02T00:00:00Z&to=2026-10-01T00:00:00Z", "to")]
    [InlineData("groupBy=gpuModel", "groupBy")]
    [InlineData("groupBy=hotspot,hotspot", "groupBy")]
    [InlineData("from=2020-01-01&to=2026-01-01", "to")]
    [InlineData("meter=mapping.unique_cells&window=day&from=2026-01-01&to=2026-02-02", "to")] // 32 days of facts: no rollup counts it by day
    [InlineData("meter=mapping.unique_cells&window=month&from=2026-01-02&to=2026-03-31", "to")] // no whole month inside: facts
    public async Task Query_BadParameter_Returns400NamingIt(string query, string field)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/usage?" + query, PlatformFixture.CarrierKey));
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(problem["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == field);
    }

    [Theory]
    [InlineData("meter=mapping.unique_cells&window=month&from=2025-01-01&to=2026-01-01")] // whole months: markers
    [InlineData("meter=mapping.unique_cells&window=day&from=2026-01-01&to=2026-02-01")] // 31 days of facts
    [InlineData("meter=offload.bytes&window=hour&groupBy=hotspot&from=2025-01-01&to=2026-02-01")] // 396 days of hour rollups
    public async Task Query_WithinWhatOneQueryMayRead_Answered(string query)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/usage?" + query, PlatformFixture.CarrierKey));

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Query_FactOnlyRangeBeyondTheLimit_ReasonSaysTheLimitAndHowToNarrow()
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/usage?meter=mapping.unique_cells&window=hour&from=2026-01-01&to=2026-03-01", PlatformFixture.CarrierKey));
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode); // before: 200, every fact of the payer over 59 days read
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal("to", error["field"]!.GetValue<string>());
        Assert.Contains("at most 31 days", error["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("narrow from/to", error["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("window=1")] // a number Enum.TryParse took as day
    [InlineData("window=hour,day")] // flags Enum.TryParse combined into day
    [InlineData("window=day&window=hour")] // a repeated parameter, which the query joins with ','
    [InlineData("window=%20month")]
    public async Task Query_WindowThatIsNoWindowName_Returns400NamingWindow(string query)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/usage?" + query, PlatformFixture.CarrierKey));
        string text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}"); // before: 200, read by day
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(JsonNode.Parse(text)!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == "window");
    }

    [Theory]
    [InlineData("from=9999-12-15&to=9999-12-20&window=month&meter=offload.bytes")]
    [InlineData("from=9999-12-30T12:00:00Z&to=9999-12-31T23:59:59.9999999Z&window=day&meter=offload.bytes")]
    [InlineData("from=9999-12-31T22:30:00Z&to=9999-12-31T23:59:59Z&window=hour&meter=offload.bytes")]
    [InlineData("from=9999-11-30&to=9999-12-31&window=month&meter=mapping.unique_cells")] // 31 days across a month boundary: facts, within the limit
    [InlineData("from=9999-12-15&to=9999-12-31&window=month&meter=mapping.unique_cells")]
    [InlineData("from=9999-11-15&to=9999-12-31T01:00:00Z&window=hour&meter=offload.sessions&groupBy=hotspot")]
    [InlineData("from=0001-01-01T00:00:00Z&to=0001-02-01T00:00:00.5Z&window=month&meter=offload.bytes")]
    public async Task Query_RangeAtTheEdgesOfTime_AnsweredNeverA500(string query)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/usage?payer=carrier-tmo&" + query, PlatformFixture.FinanceKey));
        string text = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}"); // before: 500 (no month starts after December 9999)
        Assert.Empty(JsonNode.Parse(text)!["rows"]!.AsArray());
    }

    [Fact]
    public async Task Query_FinanceWithoutPayer_Returns400()
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/usage?meter=offload.bytes", PlatformFixture.FinanceKey));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Query_AnswerNeedsAnUnreadableFactRow_Returns500ProblemPointingToVerify()
    {
        string payer = await UnreadableFactRows.StoreAsync(platform);
        string range = $"from={SampleEvents.Time(UnreadableFactRows.Time.AddMinutes(-15))}&to={SampleEvents.Time(UnreadableFactRows.Time.AddMinutes(15))}"; // sub-hour: facts

        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, $"api/v1/usage?payer={payer}&meter=offload.bytes&{range}", PlatformFixture.FinanceKey));
        string text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
        var problem = JsonNode.Parse(text)!; // before: an empty 500
        Assert.Equal(500, problem["status"]!.GetValue<int>());
        Assert.Equal(Billing.Contracts.Problems.ApiProblem.StorageIntegrityType, problem["type"]!.GetValue<string>()); // before: …/500
        Assert.Contains("cannot be read", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains($"billing rollups verify --payer {payer}", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", text, StringComparison.Ordinal); // no stack trace
    }
}
