namespace Billing.Functions.Tests.Invoicing;

/// <summary>Finance flow through the DevHost: post usage, close the previous month, pull invoices as JSON and CSV.</summary>
[Collection(PlatformCollections.Invoicing)]
public class InvoiceApiTests(PlatformFixture platform)
{
    private static (DateTimeOffset Start, DateTimeOffset End, string Period, string Compact) PreviousMonth()
    {
        var now = DateTimeOffset.UtcNow;
        var end = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var start = end.AddMonths(-1);
        return (start, end, start.ToString("yyyy-MM"), start.ToString("yyyyMM"));
    }

    private async Task<(HttpStatusCode Status, string Body, string? Type)> SendAsync(HttpMethod method, string path, string? key, string? accept = null)
    {
        using var request = platform.Request(method, path, key);
        if (accept is not null)
        {
            request.Headers.Add("Accept", accept);
        }

        using var response = await platform.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType);
    }

    private async Task<JsonObject> CloseAsync(string period)
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, $"api/v1/periods/{period}/close", PlatformFixture.FinanceKey);
        Assert.True(status == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsObject();
    }

    [Fact]
    public async Task CloseAndPull_PreviousMonth_InvoicesMatchUsageAsJsonAndCsv()
    {
        var month = PreviousMonth();
        string hotspot = PlatformFixture.NewHotspot();
        var lastDay = month.End.AddHours(-3); // always inside the 35-day window
        using var carrier = await platform.PostUsageAsync(PlatformFixture.CarrierKey, new JsonArray(
            SampleEvents.Carrier($"inv-{hotspot}-1", hotspot, 60_000_000, 40_000_000, lastDay),      // 1,000 DC
            SampleEvents.Carrier($"inv-{hotspot}-2", hotspot, 1, 0, lastDay.AddMinutes(30))));       // +1 DC (ceiling)
        using var compute = await platform.PostUsageAsync(PlatformFixture.ProviderKey, new JsonArray(
            SampleEvents.Compute("inv-lease:1", "inv-lease", "H100", 4, lastDay, seconds: 5_400)));  // 6 GPU-hours → 12.00
        Assert.Equal(HttpStatusCode.Accepted, carrier.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, compute.StatusCode);
        await platform.DrainAsync();

        var closed = await CloseAsync(month.Period);
        var again = await CloseAsync(month.Period);

        Assert.Equal(closed.ToJsonString(), again.ToJsonString());
        var ids = closed["invoices"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).ToList();
        Assert.Contains($"INV-carrier-tmo-{month.Compact}", ids);
        Assert.Contains($"INV-tenant-lab-{month.Compact}", ids);

        var (status, json, type) = await SendAsync(HttpMethod.Get, $"api/v1/invoices/INV-carrier-tmo-{month.Compact}", PlatformFixture.FinanceKey);
        Assert.Equal((HttpStatusCode.OK, "application/json"), (status, type));
        var invoice = JsonNode.Parse(json)!;
        Assert.Equal("finalized", invoice["status"]!.GetValue<string>());
        Assert.Equal("carrier-standard-v1", invoice["plan"]!.GetValue<string>());
        Assert.Equal(1001m, invoice["lines"]![0]!["quantity"]!.GetValue<decimal>());
        Assert.Equal("DC", invoice["lines"]![0]!["unit"]!.GetValue<string>());
        Assert.Equal("0.01", invoice["total"]!.GetValue<string>()); // 1,001 × 0.00001 = 0.01001 → 0.01
        Assert.Equal(1, invoice["totalMinor"]!.GetValue<long>());
        Assert.Equal(month.Start, DateTimeOffset.Parse(invoice["period"]!["start"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));

        var tenant = JsonNode.Parse((await SendAsync(HttpMethod.Get, $"api/v1/invoices/INV-tenant-lab-{month.Compact}", PlatformFixture.TenantKey)).Body)!;
        Assert.Equal("100.00", tenant["total"]!.GetValue<string>());
        Assert.Contains(tenant["lines"]!.AsArray(), l => l!["amount"]!.GetValue<string>() == "12.00" && l["group"]!["gpuModel"]!.GetValue<string>() == "H100");

        var (csvStatus, csv, csvType) = await SendAsync(HttpMethod.Get, $"api/v1/invoices/INV-carrier-tmo-{month.Compact}", PlatformFixture.FinanceKey, accept: "text/csv");
        Assert.Equal((HttpStatusCode.OK, "text/csv"), (csvStatus, csvType));
        var rows = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("invoice_id,payer,period_start,period_end,line,meter,group,quantity,unit,unit_price,amount,currency", rows[0]);
        Assert.StartsWith($"INV-carrier-tmo-{month.Compact},carrier-tmo,", rows[1], StringComparison.Ordinal);
        Assert.EndsWith(",0.01,USD", rows[1], StringComparison.Ordinal);

        var (_, periodCsv, _) = await SendAsync(HttpMethod.Get, $"api/v1/invoices?period={month.Period}&format=csv", PlatformFixture.FinanceKey);
        Assert.Contains($"INV-tenant-lab-{month.Compact}", periodCsv, StringComparison.Ordinal);
        Assert.Contains($"INV-carrier-tmo-{month.Compact}", periodCsv, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoices_AccessRules_PartnersSeeOnlyTheirOwn()
    {
        var month = PreviousMonth();
        using var usage = await platform.PostUsageAsync(PlatformFixture.ProviderKey, new JsonArray(
            SampleEvents.Compute("acl-lease:1", "acl-lease", "H100", 1, month.End.AddHours(-2))));  // a close needs some usage before the month's end
        Assert.Equal(HttpStatusCode.Accepted, usage.StatusCode);
        await platform.DrainAsync();
        await CloseAsync(month.Period); // tenant-lab always gets one (minimum commitment)

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, $"api/v1/invoices/INV-tenant-lab-{month.Compact}", PlatformFixture.CarrierKey)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, $"api/v1/invoices?payer=tenant-lab", PlatformFixture.CarrierKey)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "api/v1/invoices", PlatformFixture.ProviderKey)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "api/v1/invoices", null)).Status);

        var own = JsonNode.Parse((await SendAsync(HttpMethod.Get, $"api/v1/invoices?period={month.Period}", PlatformFixture.TenantKey)).Body)!;
        Assert.All(own["invoices"]!.AsArray(), i => Assert.Equal("tenant-lab", i!["payer"]!.GetValue<string>()));
        Assert.NotEmpty(own["invoices"]!.AsArray());
    }

    [Fact]
    public async Task Close_Errors_AnswerClearly()
    {
        string current = DateTimeOffset.UtcNow.ToString("yyyy-MM");

        var (notEnded, body, type) = await SendAsync(HttpMethod.Post, $"api/v1/periods/{current}/close", PlatformFixture.FinanceKey);
        Assert.Equal((HttpStatusCode.Conflict, "application/problem+json"), (notEnded, type));
        Assert.Contains("can be closed only after", body, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "api/v1/periods/2026-01/close", PlatformFixture.CarrierKey)).Status);
        var (first, firstBody, firstType) = await SendAsync(HttpMethod.Post, "api/v1/periods/0001-01/close", PlatformFixture.FinanceKey);
        Assert.Equal((HttpStatusCode.Conflict, "application/problem+json"), (first, firstType));
        Assert.Contains("force=true", firstBody, StringComparison.Ordinal);
        string decadeAgo = DateTimeOffset.UtcNow.AddYears(-10).ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var (old, oldBody, _) = await SendAsync(HttpMethod.Post, $"api/v1/periods/{decadeAgo}/close", PlatformFixture.FinanceKey);
        Assert.Equal(HttpStatusCode.Conflict, old);
        Assert.Contains("MaxCloseAge", oldBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, $"api/v1/periods/{decadeAgo}/close?force=maybe", PlatformFixture.FinanceKey)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Post, "api/v1/periods/2026-13/close", PlatformFixture.FinanceKey)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "api/v1/invoices/INV-carrier-tmo-199001", PlatformFixture.FinanceKey)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Get, "api/v1/invoices/not-an-id", PlatformFixture.FinanceKey)).Status);
    }

    [Fact]
    public async Task Routes_FuzzedQueryParameters_NeverAnswer500()
    {
        string[] any = ["", " ", ",", "%", "'", "a'b", "\u0000", "é", new string('x', 3000), "-1", "1e400", "null", "[]"];
        string[] payers = [.. any, "carrier-tmo", "tenant-lab", "carrier-tmo|0", "carrier-tmo' or Payer ne '"];
        string[] meters = [.. any, "offload.bytes", "OFFLOAD.BYTES", "offload.sessions", "compute.gpu_seconds"];
        string[] times = [.. any, "0001-01-01", "9999-12-31", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00", "2026-02-30",
            "2026-10-01T00:00:00Z", "2026-10-01T00:00:00.123456789Z", "2026-11-01", "2026-10-01T24:00:00Z", "+002026-10-01"];
        string[] windows = [.. any, "hour", "HOUR", "Month", "week", "1", "Hour,day"];
        string[] groups = [.. any, "hotspot", "hotspot,hotspot", "hotspot, rat", "rat,,hotspot", "gpuModel", "HOTSPOT", "lease,provider,gpuModel,lease"];
        string[] periods = [.. any, "2026-13", "0001-01", "9998-12", "9999-12", "abcd-ef", "2026-1", "202610", "0000-01"];
        string[] ids = [.. any, "INV-", "INV-x-000000", "INV-x-999913", "INV-carrier-tmo-202610-r0", "INV-carrier-tmo-202610-r99999999999",
            "INV-a b-202610", "INV-%2F-202610", "INV-carrier-tmo-000101", "INV-carrier-tmo-999812", "INV-" + new string('y', 2000) + "-202610"];
        string[] formats = [.. any, "csv", "CSV", "pdf", "json"];
        var random = new Random(11);
        string Pick(string[] values) => Uri.EscapeDataString(values[random.Next(values.Length)]);
        string PickSegment(string[] values) => Pick([.. values.Where(v => !v.Contains('\0'))]); // Kestrel itself rejects NUL in a path (bare 400)
        string Param(string name, string[] values) => random.Next(4) == 0 ? "" : $"&{name}={Pick(values)}";
        static string WithQuery(string path, string parameters) => parameters.Length == 0 ? path : $"{path}?{parameters[1..]}"; // only parameters the route takes
        string[] keys = [PlatformFixture.FinanceKey, PlatformFixture.CarrierKey, PlatformFixture.TenantKey, PlatformFixture.ProviderKey];

        var failures = new List<string>();
        for (int i = 0; i < 240; i++)
        {
            string key = keys[random.Next(keys.Length)];
            (HttpMethod method, string path) = (i % 4) switch
            {
                0 => (HttpMethod.Get, WithQuery("api/v1/usage", Param("payer", payers) + Param("meter", meters) + Param("from", times) + Param("to", times)
                    + Param("window", windows) + Param("groupBy", groups))),
                1 => (HttpMethod.Get, WithQuery("api/v1/invoices", Param("period", periods) + Param("payer", payers) + Param("format", formats))),
                2 => (HttpMethod.Get, WithQuery($"api/v1/invoices/{PickSegment(ids)}", Param("format", formats))),
                _ => (HttpMethod.Post, WithQuery($"api/v1/periods/{PickSegment(periods)}/close", Param("force", ["", "false", "yes", "1", "FALSE", "false,false"]))),
            };
            var (status, body, type) = await SendAsync(method, path, key);
            if ((int)status >= 500 || ((int)status >= 400 && type != "application/problem+json"))
            {
                failures.Add($"{method} {path} → {(int)status} {type}: {body[..Math.Min(body.Length, 200)]}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
