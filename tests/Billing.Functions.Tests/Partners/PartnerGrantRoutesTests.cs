namespace Billing.Functions.Tests.Partners;

/// <summary>
/// A provider bills only the payers that granted it: finance manages a payer's <c>providers</c> through the API, usage
/// naming a payer that did not grant its poster is refused as for an unknown payer, and every grant change is audited
/// (a list edited in the row outside the platform is reported by verify).
/// </summary>
[Collection(PlatformCollections.Partners)]
public class PartnerGrantRoutesTests(PlatformFixture platform)
{
    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? key, string? json = null)
    {
        using var request = platform.Request(method, path, key, json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"));
        using var response = await platform.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private async Task CreateTenantAsync(string id, string? providers = null)
    {
        string grants = providers is null ? "" : $",\"providers\":{providers}";
        var (status, body) = await SendAsync(HttpMethod.Post, "api/v1/partners", PlatformFixture.FinanceKey,
            $$"""{"id":"{{id}}","role":"tenant","plan":"compute-standard-v1","displayName":"Tenant {{id}}","billingEmail":"billing@{{id}}.example"{{grants}}}""");
        Assert.True(status == HttpStatusCode.Created, body?.ToJsonString());
    }

    private Task<(HttpStatusCode Status, JsonNode? Body)> GrantAsync(string id, string providers) =>
        SendAsync(HttpMethod.Patch, "api/v1/partners/" + id, PlatformFixture.FinanceKey, $$"""{"providers":{{providers}}}""");

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostGpuAsync(string id, string tenant)
    {
        using var response = await platform.PostUsageAsync(PlatformFixture.ProviderKey,
            new JsonArray(SampleEvents.Compute(id, "lease-" + id, "H100", 2, DateTimeOffset.UtcNow.AddMinutes(-5), tenant: tenant)));
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    private static IEnumerable<string> Reasons(JsonNode? problem, string field) =>
        problem!["errors"]!.AsArray().Where(e => e!["field"]!.GetValue<string>().EndsWith(field, StringComparison.Ordinal)).Select(e => e!["reason"]!.GetValue<string>());

    [Fact]
    public async Task PostUsage_ProviderTheTenantDidNotGrant_400AsForAnUnknownTenantThenGrantedAcceptedAndMetered()
    {
        await CreateTenantAsync("tenant-grantless");

        var (refused, problem) = await PostGpuAsync("gpu-grantless-1", "tenant-grantless");
        var (unknown, unknownProblem) = await PostGpuAsync("gpu-grantless-2", "tenant-nobody-here");
        var (granted, view) = await GrantAsync("tenant-grantless", """["provider-nodeops"]""");
        var (accepted, _) = await PostGpuAsync("gpu-grantless-3", "tenant-grantless");
        await platform.DrainAsync();
        var usage = await platform.GetUsageAsync(PlatformFixture.FinanceKey, "payer=tenant-grantless&meter=compute.gpu_seconds&window=month");

        // Before: 202, and tenant-grantless invoiced for usage it never agreed to.
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Equal(["'tenant-grantless' is not an active registered tenant"], Reasons(problem, "data.tenantId"));
        Assert.Equal(HttpStatusCode.BadRequest, unknown); // the same answer as for an id no partner has
        Assert.Equal(["'tenant-nobody-here' is not an active registered tenant"], Reasons(unknownProblem, "data.tenantId"));
        Assert.Equal(HttpStatusCode.OK, granted);
        Assert.Equal(["provider-nodeops"], view!["providers"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.Accepted, accepted);
        Assert.Equal(2 * 3600, usage["rows"]!.AsArray().Sum(r => r!["quantity"]!.GetValue<long>())); // only the granted event
    }

    [Fact]
    public async Task Providers_InvalidLists_400NamingProviders()
    {
        await CreateTenantAsync("tenant-badgrants");
        string tooMany = new JsonArray([.. Enumerable.Range(0, 101).Select(i => (JsonNode)$"provider-{i}")]).ToJsonString();

        var cases = new (string Path, string Json, string Reason)[]
        {
            ("api/v1/partners/tenant-badgrants", """{"providers":["provider-nobody"]}""", "'provider-nobody' is not a registered partner"),
            ("api/v1/partners/tenant-badgrants", """{"providers":["tenant-lab"]}""", "'tenant-lab' is a tenant, which posts no usage"),
            ("api/v1/partners/tenant-badgrants", """{"providers":["provider-nodeops","provider-nodeops"]}""", "lists 'provider-nodeops' more than once"),
            ("api/v1/partners/tenant-badgrants", $$"""{"providers":{{tooMany}}}""", "lists 101 providers, at most 100"),
            ("api/v1/partners/tenant-badgrants", """{"providers":"provider-nodeops"}""", "must be an array of strings"),
            ("api/v1/partners/provider-nodeops", """{"providers":["provider-nodeops"]}""", "a provider is not billed: only a payer (carrier, tenant) grants providers"),
        };
        foreach (var (path, json, reason) in cases)
        {
            var (status, problem) = await SendAsync(HttpMethod.Patch, path, PlatformFixture.FinanceKey, json);

            Assert.True(status == HttpStatusCode.BadRequest, $"{json}: {problem?.ToJsonString()}");
            Assert.Contains(Reasons(problem, "providers"), r => r.StartsWith(reason, StringComparison.Ordinal));
        }

        var (createStatus, createProblem) = await SendAsync(HttpMethod.Post, "api/v1/partners", PlatformFixture.FinanceKey,
            """{"id":"provider-granting","role":"provider","displayName":"P","providers":["provider-nodeops"]}""");
        Assert.Equal(HttpStatusCode.BadRequest, createStatus);
        Assert.Single(Reasons(createProblem, "providers"));
        Assert.Empty((await SendAsync(HttpMethod.Get, "api/v1/partners/tenant-badgrants", PlatformFixture.FinanceKey)).Body!["providers"]!.AsArray());
    }

    [Fact]
    public async Task Providers_ChangeAuditedBeforeAndAfter_ListEditedInTheRowReportedByVerify()
    {
        await CreateTenantAsync("tenant-audited", """["provider-nodeops"]""");
        Assert.Equal(HttpStatusCode.OK, (await GrantAsync("tenant-audited", "[]")).Status);

        var (_, audit) = await SendAsync(HttpMethod.Get, "api/v1/partners/tenant-audited/audit", PlatformFixture.FinanceKey);
        var (_, clean) = await SendAsync(HttpMethod.Get, "api/v1/partners/tenant-audited/audit/verify", PlatformFixture.FinanceKey);
        var table = new Azure.Data.Tables.TableServiceClient(platform.ConnectionString).GetTableClient(platform.TablePrefix + "partners");
        await table.UpdateEntityAsync(new Azure.Data.Tables.TableEntity("p", "tenant-audited") { ["Providers"] = """["provider-nodeops"]""" }, Azure.ETag.All, Azure.Data.Tables.TableUpdateMode.Merge);
        var (_, tampered) = await SendAsync(HttpMethod.Get, "api/v1/partners/tenant-audited/audit/verify", PlatformFixture.FinanceKey);

        var entries = audit!["entries"]!.AsArray();
        var created = entries.Single(e => e!["action"]!.GetValue<string>() == "create")!["changes"]!.AsArray().Single(c => c!["field"]!.GetValue<string>() == "providers")!;
        var change = Assert.Single(entries.Single(e => e!["action"]!.GetValue<string>() == "providers-change")!["changes"]!.AsArray())!;
        Assert.Equal("""["provider-nodeops"]""", created["after"]!.GetValue<string>());
        Assert.Equal(("providers", """["provider-nodeops"]"""), (change["field"]!.GetValue<string>(), change["before"]!.GetValue<string>()));
        Assert.Null(change["after"]);
        Assert.True(clean!["ok"]!.GetValue<bool>(), clean.ToJsonString());
        Assert.False(tampered!["ok"]!.GetValue<bool>());
        var detail = Assert.Single(Assert.Single(tampered["partners"]!.AsArray())!["details"]!.AsArray())!;
        Assert.Equal("StateMismatch", detail["kind"]!.GetValue<string>());
        Assert.Contains("providers", detail["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
