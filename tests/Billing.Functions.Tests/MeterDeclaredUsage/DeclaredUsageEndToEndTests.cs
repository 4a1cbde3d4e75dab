namespace Billing.Functions.Tests.MeterDeclaredUsage;

/// <summary>
/// Each shipped network end to end through the DevHost: ingest (declared-usage hub) → meter (MeterDeclaredUsage) →
/// GET /api/v1/usage → close the previous month → the invoice's lines, against amounts computed by hand from the plans.
/// </summary>
[Collection(DeclaredUsageCollection.Name)]
public sealed class DeclaredUsageEndToEndTests(DeclaredUsagePlatformFixture fixture)
{
    private const string Node = "5ZxY9QXb1cTqVmk3n8pJfLr2sDwEaGh4uKoN6iBvCyT7";
    private readonly PlatformFixture platform = fixture.Platform;

    private static (DateTimeOffset Start, DateTimeOffset End, string Period, string Compact) PreviousMonth()
    {
        var now = DateTimeOffset.UtcNow;
        var end = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var start = end.AddMonths(-1);
        return (start, end, start.ToString("yyyy-MM", CultureInfo.InvariantCulture), start.ToString("yyyyMM", CultureInfo.InvariantCulture));
    }

    private static string Time(DateTimeOffset t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static JsonObject Event(string type, string source, string id, DateTimeOffset time, JsonObject data) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = id,
        ["source"] = source,
        ["type"] = type,
        ["time"] = Time(time),
        ["data"] = data,
    };

    private async Task PostAsync(string key, params JsonObject[] events)
    {
        using var response = await platform.PostUsageAsync(key, new JsonArray(events));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body);
        Assert.False(body.Contains("\"rejected\":[{", StringComparison.Ordinal), body);
    }

    private async Task<JsonNode> InvoiceAsync(string payer, string compact)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, $"api/v1/invoices/INV-{payer}-{compact}", PlatformFixture.FinanceKey));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonNode.Parse(body)!;
    }

    private static string Amount(JsonNode invoice, string meter, string? group = null, string? value = null) =>
        invoice["lines"]!.AsArray().Single(l => l!["meter"]!.GetValue<string>() == meter
            && (group is null || l["group"]?[group]?.GetValue<string>() == value))!["amount"]!.GetValue<string>();

    [Fact]
    public async Task ShippedNetworks_IngestMeterQueryClose_InvoicesMatchHandComputedAmounts()
    {
        var month = PreviousMonth();
        var at = month.End.AddHours(-6); // inside the 35-day window while the next month is young
        string run = Guid.NewGuid().ToString("N")[..8];

        // Render: tier2 90 min × OB 300 = 450 OBh × 0.02 = 9.00; tier1 60 min × OB 100 = 100 OBh × 0.03 = 3.00. Sent twice.
        JsonObject Render(string id, string tier, int ob, int minutes) => Event("depin.render.job.v1", "provider-render", $"{run}-{id}", at, new JsonObject
        {
            ["customerId"] = "tenant-studio", ["jobId"] = $"job-{id}", ["nodeId"] = Node, ["tier"] = tier, ["frames"] = 100, ["octaneBench"] = ob,
            ["startTime"] = Time(at.AddHours(-3)), ["endTime"] = Time(at.AddHours(-3).AddMinutes(minutes)),
        });
        await PostAsync(DeclaredUsagePlatformFixture.RenderKey, Render("r1", "tier2", 300, 90), Render("r2", "tier1", 100, 60));
        await PostAsync(DeclaredUsagePlatformFixture.RenderKey, Render("r1", "tier2", 300, 90)); // a resend: counted once

        // Bandwidth: 1,500 GB → 1,000 × 0.50 + 500 × 0.35 = 675.00; 2,500 requests → ceil(2.5) = 3 × 0.02 = 0.06.
        JsonObject Bandwidth(string id, long bytes, long requests) => Event("depin.bandwidth.usage.v1", "provider-grass", $"{run}-{id}", at, new JsonObject
        {
            ["customerId"] = "tenant-scraper", ["nodeId"] = Node, ["country"] = "DE", ["bytesServed"] = bytes, ["requests"] = requests,
            ["startTime"] = Time(at.AddHours(-1)), ["endTime"] = Time(at),
        });
        await PostAsync(DeclaredUsagePlatformFixture.GrassKey, Bandwidth("b1", 1_000_000_000_000, 2_000), Bandwidth("b2", 500_000_000_000, 500));

        // Mapping: 12,345 m → 12.345 km × 0.04 = 0.49; cells: two distinct among three events → 2 × 0.010 = 0.02; minimum 50.00.
        JsonObject Mapping(string id, string cell, int metres) => Event("depin.mapping.coverage.v1", "provider-mapper", $"{run}-{id}", at, new JsonObject
        {
            ["customerId"] = "tenant-fleet", ["deviceId"] = Node, ["h3Cell"] = cell, ["distanceMeters"] = metres, ["capturedAt"] = Time(at.AddMinutes(-5)),
        });
        await PostAsync(DeclaredUsagePlatformFixture.MapperKey, Mapping("m1", "8928308280fffff", 10_000), Mapping("m2", "8928308282fffff", 2_000), Mapping("m3", "8928308280fffff", 345));

        // Inference: llama-3.1-8b 2M in × 0.10 + 0.5M out × 0.20 = 0.20 + 0.10; deepseek-r1 1M in × 0.55 + 1M out × 2.19.
        JsonObject Inference(string id, string model, long input, long output) => Event("depin.inference.usage.v1", "provider-inference", $"{run}-{id}", at, new JsonObject
        {
            ["customerId"] = "tenant-ai", ["model"] = model, ["inputTokens"] = input, ["outputTokens"] = output,
        });
        await PostAsync(DeclaredUsagePlatformFixture.InferenceKey, Inference("i1", "llama-3.1-8b", 2_000_000, 500_000), Inference("i2", "deepseek-r1", 1_000_000, 1_000_000));
        await platform.DrainAsync();

        string range = $"from={month.Start:yyyy-MM-dd}&to={month.End:yyyy-MM-dd}&window=month";
        var cells = await platform.GetUsageAsync(PlatformFixture.FinanceKey, $"payer=tenant-fleet&meter=mapping.unique_cells&{range}");
        Assert.Equal(2m, cells["rows"]![0]!["quantity"]!.GetValue<decimal>());
        var ob = await platform.GetUsageAsync(PlatformFixture.FinanceKey, $"payer=tenant-studio&meter=render.ob_seconds&groupBy=tier&{range}");
        Assert.Equal(
            [("tier1", 360_000m), ("tier2", 1_620_000m)],
            ob["rows"]!.AsArray().Select(r => (r!["group"]!["tier"]!.GetValue<string>(), r["quantity"]!.GetValue<decimal>())).OrderBy(x => x.Item1));

        using (var close = await platform.Client.SendAsync(platform.Request(HttpMethod.Post, $"api/v1/periods/{month.Period}/close", PlatformFixture.FinanceKey)))
        {
            Assert.True(close.IsSuccessStatusCode, await close.Content.ReadAsStringAsync());
        }

        var render = await InvoiceAsync("tenant-studio", month.Compact);
        Assert.Equal(("9.00", "3.00", "12.00"), (Amount(render, "render.ob_seconds", "tier", "tier2"), Amount(render, "render.ob_seconds", "tier", "tier1"), render["total"]!.GetValue<string>()));

        var bandwidth = await InvoiceAsync("tenant-scraper", month.Compact);
        Assert.Equal(("0.06", "675.06"), (Amount(bandwidth, "bandwidth.requests"), bandwidth["total"]!.GetValue<string>()));

        var mapping = await InvoiceAsync("tenant-fleet", month.Compact);
        Assert.Equal(("0.49", "0.02", "50.00"), (Amount(mapping, "mapping.distance"), Amount(mapping, "mapping.unique_cells"), mapping["total"]!.GetValue<string>()));

        var inference = await InvoiceAsync("tenant-ai", month.Compact);
        Assert.Equal("2.19", Amount(inference, "inference.output_tokens", "model", "deepseek-r1"));
        Assert.Equal("3.04", inference["total"]!.GetValue<string>());
    }

    [Fact]
    public async Task PostUsage_BadDeclaredEvent_RejectedWithFieldPath()
    {
        var evt = Event("depin.render.job.v1", "provider-render", "bad-tier", DateTimeOffset.UtcNow.AddMinutes(-1), new JsonObject
        {
            ["customerId"] = "tenant-studio", ["jobId"] = "j", ["nodeId"] = Node, ["tier"] = "tier9", ["frames"] = 1, ["octaneBench"] = 1,
            ["startTime"] = Time(DateTimeOffset.UtcNow.AddHours(-1)), ["endTime"] = Time(DateTimeOffset.UtcNow.AddMinutes(-2)),
        });

        using var response = await platform.PostUsageAsync(DeclaredUsagePlatformFixture.RenderKey, new JsonArray(evt));
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"data.tier\"", body, StringComparison.Ordinal);
        Assert.Contains("must be one of tier1, tier2, tier3", body, StringComparison.Ordinal);
    }
}
