namespace Billing.Functions.Tests.Partners;

/// <summary>Partner management through the DevHost and the real app: onboarding, keys, disable/enable, validation, audit.</summary>
[Collection(PlatformCollections.Partners)]
public class PartnerRoutesTests(PlatformFixture platform)
{
    private async Task<(HttpStatusCode Status, string Body)> SendAsync(HttpMethod method, string path, string? key, string? json = null)
    {
        using var request = platform.Request(method, path, key, json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"));
        using var response = await platform.Client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<(JsonObject Partner, string Key)> CreateAsync(string id, string role, string? plan)
    {
        var body = new JsonObject { ["id"] = id, ["role"] = role, ["displayName"] = "Partner " + id, ["billingEmail"] = $"billing@{id}.example" };
        if (plan is not null)
        {
            body["plan"] = plan;
        }

        if (role == "tenant")
        {
            body["providers"] = new JsonArray("provider-nodeops"); // the provider these tests post its usage as
        }

        var (status, text) = await SendAsync(HttpMethod.Post, "api/v1/partners", PlatformFixture.FinanceKey, body.ToJsonString());
        Assert.True(status == HttpStatusCode.Created, text);
        var answer = JsonNode.Parse(text)!.AsObject();
        return (answer["partner"]!.AsObject(), answer["apiKey"]!.GetValue<string>());
    }

    private static JsonArray CarrierEvents(string source, int n) =>
        new([.. Enumerable.Range(0, n).Select(i => (JsonNode)SampleEvents.Carrier($"pt-{Guid.NewGuid():N}", PlatformFixture.NewHotspot(), 1000, 2000, source: source))]);

    /// <summary>Every caller but finance, and what partner management answers it: a key of another role 403, no key 401.</summary>
    public static TheoryData<string?, HttpStatusCode> NotFinance => new()
    {
        { PlatformFixture.CarrierKey, HttpStatusCode.Forbidden },
        { PlatformFixture.TenantKey, HttpStatusCode.Forbidden },
        { PlatformFixture.ProviderKey, HttpStatusCode.Forbidden },
        { null, HttpStatusCode.Unauthorized },
    };

    [Fact]
    public async Task Create_NewCarrier_KeyPostsUsageAndNoAnswerOrLogShowsTheKeyAgain()
    {
        var (partner, key) = await CreateAsync("carrier-onboard", "carrier", "carrier-standard-v1");

        Assert.Equal(("carrier-onboard", "carrier", "carrier-standard-v1", "active"), (partner["id"]!.GetValue<string>(), partner["role"]!.GetValue<string>(), partner["plan"]!.GetValue<string>(), partner["status"]!.GetValue<string>()));
        Assert.Null(Assert.Single(partner["keys"]!.AsArray())!["expiresAt"]);
        using var posted = await platform.PostUsageAsync(key, CarrierEvents("carrier-onboard", 2));
        Assert.Equal(HttpStatusCode.Accepted, posted.StatusCode);
        var (_, one) = await SendAsync(HttpMethod.Get, "api/v1/partners/carrier-onboard", PlatformFixture.FinanceKey);
        var (_, list) = await SendAsync(HttpMethod.Get, "api/v1/partners", PlatformFixture.FinanceKey);
        var (_, audit) = await SendAsync(HttpMethod.Get, "api/v1/partners/carrier-onboard/audit", PlatformFixture.FinanceKey);
        var ids = JsonNode.Parse(list)!["partners"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()).ToList();
        Assert.Contains("carrier-onboard", ids);
        Assert.Contains("carrier-tmo", ids); // seeded partners are listed too
        string[] logs;
        lock (platform.Logs)
        {
            logs = [.. platform.Logs];
        }

        foreach (string text in new[] { one, list, audit, string.Join("\n", logs) })
        {
            Assert.DoesNotContain(key, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Billing.Storage.PartnerStore.HashKey(key), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Create_ExistingIdOrBadFields_409Or400NamingEachField()
    {
        await CreateAsync("carrier-twice", "carrier", "carrier-standard-v1");

        var (dup, dupBody) = await SendAsync(HttpMethod.Post, "api/v1/partners", PlatformFixture.FinanceKey,
            """{"id":"carrier-twice","role":"carrier","plan":"carrier-standard-v1","displayName":"Again","billingEmail":"a@b.example"}""");
        var (bad, badBody) = await SendAsync(HttpMethod.Post, "api/v1/partners", PlatformFixture.FinanceKey,
            """{"id":"Not An Id","role":"admin","displayName":"x","billingEmail":"nope","extra":1}""");
        var (patch, patchBody) = await SendAsync(HttpMethod.Patch, "api/v1/partners/carrier-twice", PlatformFixture.FinanceKey, """{"role":"finance","status":"gone"}""");
        var (notJson, _) = await SendAsync(HttpMethod.Post, "api/v1/partners", PlatformFixture.FinanceKey, "{");

        Assert.Equal(HttpStatusCode.Conflict, dup);
        Assert.Contains("\"field\":\"id\"", dupBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        var fields = JsonNode.Parse(badBody)!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).ToList();
        Assert.Equal(["extra"], fields); // body shape first: an unknown field stops the request before the values are judged
        Assert.Equal(HttpStatusCode.BadRequest, patch);
        Assert.Contains("\"field\":\"role\"", patchBody, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notJson);
        var (values, valuesBody) = await SendAsync(HttpMethod.Post, "api/v1/partners", PlatformFixture.FinanceKey,
            """{"id":"Not An Id","role":"admin","displayName":"x","billingEmail":"nope"}""");
        Assert.Equal(HttpStatusCode.BadRequest, values);
        Assert.Equal(["id", "role", "billingEmail"], JsonNode.Parse(valuesBody)!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()));
    }

    /// <summary>A JSON escape of a lone surrogate is valid JSON but no text: reading it threw, and the route answered 500.</summary>
    [Theory]
    [InlineData("POST", "api/v1/partners", """{"id":"carrier-surrogate","role":"carrier","plan":"carrier-standard-v1","displayName":"\ud800","billingEmail":"a@b.example"}""")]
    [InlineData("PATCH", "api/v1/partners/carrier-nobody", """{"displayName":"x\udc00"}""")]
    public async Task CreateOrUpdate_FieldIsALoneSurrogate_400NamingTheField(string method, string path, string json)
    {
        var (status, body) = await SendAsync(new HttpMethod(method), path, PlatformFixture.FinanceKey, json);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Assert.Single(JsonNode.Parse(body)!["errors"]!.AsArray())!;
        Assert.Equal(("displayName", "must be valid Unicode text (it contains a lone surrogate)"), (error["field"]!.GetValue<string>(), error["reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Disable_TenantAndCarrier_KeysRefusedAndUsageRefusedAtIngestion_EnableRestores()
    {
        var (_, carrierKey) = await CreateAsync("carrier-off", "carrier", "carrier-standard-v1");
        var (_, tenantKey) = await CreateAsync("tenant-off", "tenant", "compute-standard-v1");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "api/v1/usage?meter=compute.gpu_seconds", tenantKey)).Status);

        foreach (string id in new[] { "carrier-off", "tenant-off" })
        {
            var (s, b) = await SendAsync(HttpMethod.Patch, $"api/v1/partners/{id}", PlatformFixture.FinanceKey, """{"status":"disabled"}""");
            Assert.True(s == HttpStatusCode.OK && b.Contains("\"status\":\"disabled\"", StringComparison.Ordinal), b);
        }

        using var carrierPost = await platform.PostUsageAsync(carrierKey, CarrierEvents("carrier-off", 1));
        var end = DateTimeOffset.UtcNow.AddMinutes(-5);
        using var computePost = await platform.PostUsageAsync(PlatformFixture.ProviderKey, new JsonArray(SampleEvents.Compute($"off-{Guid.NewGuid():N}", "lease-off", "H100", 1, end, tenant: "tenant-off")));
        Assert.Equal(HttpStatusCode.Unauthorized, carrierPost.StatusCode);
        using var unknownPost = await platform.PostUsageAsync(PlatformFixture.ProviderKey, new JsonArray(SampleEvents.Compute($"off-{Guid.NewGuid():N}", "lease-off", "H100", 1, end, tenant: "tenant-never")));
        Assert.Equal(HttpStatusCode.BadRequest, computePost.StatusCode);
        Assert.Contains("data.tenantId", await computePost.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The provider is told nothing a tenant id unknown to it would not tell (before: "'tenant-off' is disabled").
        Assert.Equal(await ErrorsAsync(unknownPost, "tenant-never"), await ErrorsAsync(computePost, "tenant-off"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "api/v1/usage?meter=compute.gpu_seconds", tenantKey)).Status);

        foreach (string id in new[] { "carrier-off", "tenant-off" })
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Patch, $"api/v1/partners/{id}", PlatformFixture.FinanceKey, """{"status":"active"}""")).Status);
        }

        using var again = await platform.PostUsageAsync(carrierKey, CarrierEvents("carrier-off", 1));
        using var computeAgain = await platform.PostUsageAsync(PlatformFixture.ProviderKey, new JsonArray(SampleEvents.Compute($"on-{Guid.NewGuid():N}", "lease-off", "H100", 1, end, tenant: "tenant-off")));
        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, computeAgain.StatusCode);
        var (_, audit) = await SendAsync(HttpMethod.Get, "api/v1/partners/tenant-off/audit", PlatformFixture.FinanceKey);
        var entries = JsonNode.Parse(audit)!["entries"]!.AsArray();
        Assert.Equal(["create", "disable", "enable"], entries.Select(e => e!["action"]!.GetValue<string>()));
        Assert.All(entries, e => Assert.Equal("finance", e!["actor"]!.GetValue<string>()));
    }

    /// <summary>The errors of a refused usage post's one event, with the tenant id it names written as <c>{tenant}</c>.</summary>
    private static async Task<List<string>> ErrorsAsync(HttpResponseMessage response, string tenant) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!["rejected"]![0]!["errors"]!.AsArray()
            .Select(e => e!.GetValue<string>().Replace(tenant, "{tenant}", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task RotateKey_NewKeyWorks_OldKeyStillWorksDuringTheOverlap()
    {
        var (_, oldKey) = await CreateAsync("carrier-rotate", "carrier", "carrier-standard-v1");

        var (status, body) = await SendAsync(HttpMethod.Post, "api/v1/partners/carrier-rotate/keys", PlatformFixture.FinanceKey);

        Assert.True(status == HttpStatusCode.Created, body);
        var answer = JsonNode.Parse(body)!;
        string newKey = answer["apiKey"]!.GetValue<string>();
        Assert.True(DateTimeOffset.Parse(answer["previousKeysValidUntil"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddHours(23));
        using var withNew = await platform.PostUsageAsync(newKey, CarrierEvents("carrier-rotate", 1));
        using var withOld = await platform.PostUsageAsync(oldKey, CarrierEvents("carrier-rotate", 1));
        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (withNew.StatusCode, withOld.StatusCode));
        var (_, partner) = await SendAsync(HttpMethod.Get, "api/v1/partners/carrier-rotate", PlatformFixture.FinanceKey);
        Assert.Equal(2, JsonNode.Parse(partner)!["keys"]!.AsArray().Count);
        var (_, all) = await SendAsync(HttpMethod.Get, "api/v1/audit?limit=1000", PlatformFixture.FinanceKey);
        Assert.Contains(JsonNode.Parse(all)!["entries"]!.AsArray(), e => e!["partner"]!.GetValue<string>() == "carrier-rotate" && e["action"]!.GetValue<string>() == "key-rotation");
        Assert.DoesNotContain(newKey, all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RotateKey_RevokePrevious_OldKeyRefusedAtOnceAndNamed()
    {
        var (_, oldKey) = await CreateAsync("carrier-leaked", "carrier", "carrier-standard-v1");
        var (_, before) = await SendAsync(HttpMethod.Get, "api/v1/partners/carrier-leaked", PlatformFixture.FinanceKey);
        string oldId = JsonNode.Parse(before)!["keys"]![0]!["id"]!.GetValue<string>();

        var (status, body) = await SendAsync(HttpMethod.Post, "api/v1/partners/carrier-leaked/keys?revokePrevious=true", PlatformFixture.FinanceKey);

        Assert.True(status == HttpStatusCode.Created, body);
        var answer = JsonNode.Parse(body)!;
        Assert.Null(answer["previousKeysValidUntil"]);
        Assert.Equal([oldId], answer["revokedKeyIds"]!.AsArray().Select(k => k!.GetValue<string>()));
        using var withOld = await platform.PostUsageAsync(oldKey, CarrierEvents("carrier-leaked", 1));
        using var withNew = await platform.PostUsageAsync(answer["apiKey"]!.GetValue<string>(), CarrierEvents("carrier-leaked", 1));
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Accepted), (withOld.StatusCode, withNew.StatusCode));
    }

    [Theory]
    [InlineData("revokePrevious=yes")]
    [InlineData("revokePrevious=")] // before: 201, rotated without revoking the leaked key
    [InlineData("revokePrevious=true&revokePrevious=false")]
    public async Task RotateKey_RevokePreviousNotABoolean_400NamingItAndTheKeyUnchanged(string query)
    {
        var (_, oldKey) = await CreateAsync("carrier-rev-" + query.Length, "carrier", "carrier-standard-v1");

        var (status, body) = await SendAsync(HttpMethod.Post, $"api/v1/partners/carrier-rev-{query.Length}/keys?{query}", PlatformFixture.FinanceKey);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("revokePrevious", JsonNode.Parse(body)!["errors"]![0]!["field"]!.GetValue<string>());
        var (_, partner) = await SendAsync(HttpMethod.Get, $"api/v1/partners/carrier-rev-{query.Length}", PlatformFixture.FinanceKey);
        Assert.Single(JsonNode.Parse(partner)!["keys"]!.AsArray());
        using var withOld = await platform.PostUsageAsync(oldKey, CarrierEvents("carrier-rev-" + query.Length, 1));
        Assert.Equal(HttpStatusCode.Accepted, withOld.StatusCode);
    }

    [Theory]
    [MemberData(nameof(NotFinance))]
    public async Task Create_NotFinance_RefusedAndNothingCreated(string? key, HttpStatusCode expected)
    {
        var (status, _) = await SendAsync(HttpMethod.Post, "api/v1/partners", key, """{"id":"carrier-sneaky","role":"finance","displayName":"x"}""");
        var (rotate, _) = await SendAsync(HttpMethod.Post, "api/v1/partners/carrier-tmo/keys", key);

        Assert.Equal((expected, expected), (status, rotate));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "api/v1/partners/carrier-sneaky", PlatformFixture.FinanceKey)).Status);
    }

    [Fact]
    public async Task VerifyAudit_Finance_OkPerPartner_PlanChangedInTheRowIsReported()
    {
        await CreateAsync("carrier-verify", "carrier", "carrier-standard-v1");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Patch, "api/v1/partners/carrier-verify", PlatformFixture.FinanceKey, """{"displayName":"Verified"}""")).Status);

        var (status, body) = await SendAsync(HttpMethod.Get, "api/v1/audit/verify", PlatformFixture.FinanceKey);
        var table = new Azure.Data.Tables.TableServiceClient(platform.ConnectionString).GetTableClient(platform.TablePrefix + "partners");
        await table.UpdateEntityAsync(new Azure.Data.Tables.TableEntity("p", "carrier-verify") { ["PlanId"] = "carrier-free-v0" }, Azure.ETag.All, Azure.Data.Tables.TableUpdateMode.Merge);
        var (oneStatus, one) = await SendAsync(HttpMethod.Get, "api/v1/partners/carrier-verify/audit/verify", PlatformFixture.FinanceKey);
        var (missing, _) = await SendAsync(HttpMethod.Get, "api/v1/partners/carrier-nobody/audit/verify", PlatformFixture.FinanceKey);

        Assert.True(status == HttpStatusCode.OK, body);
        var partners = JsonNode.Parse(body)!["partners"]!.AsArray();
        foreach (string id in new[] { "carrier-verify", "carrier-tmo", "finance", "tenant-lab" }) // created through the API, and seeded from settings (tenant-lab with its providers)
        {
            var result = partners.Single(p => p!["partner"]!.GetValue<string>() == id)!;
            Assert.True(result["ok"]!.GetValue<bool>(), result.ToJsonString());
            Assert.Matches("^[0-9a-f]{64}$", result["head"]!.GetValue<string>());
        }

        Assert.Equal(HttpStatusCode.OK, oneStatus);
        var verified = JsonNode.Parse(one)!;
        Assert.False(verified["ok"]!.GetValue<bool>());
        var detail = Assert.Single(Assert.Single(verified["partners"]!.AsArray())!["details"]!.AsArray())!;
        Assert.Equal(("StateMismatch", "partner row"), (detail["kind"]!.GetValue<string>(), detail["subject"]!.GetValue<string>()));
        Assert.Contains("carrier-free-v0", detail["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missing);
    }

    [Theory]
    [MemberData(nameof(NotFinance))]
    public async Task VerifyAudit_NotFinance_Refused(string? key, HttpStatusCode expected)
    {
        var (all, allBody) = await SendAsync(HttpMethod.Get, "api/v1/audit/verify", key);
        var (one, _) = await SendAsync(HttpMethod.Get, "api/v1/partners/carrier-tmo/audit/verify", key);

        Assert.Equal((expected, expected), (all, one));
        Assert.DoesNotContain("\"partners\"", allBody, StringComparison.Ordinal);
    }
}
