namespace Billing.Functions.Tests.Partners;

/// <summary>
/// The running platform with one partner row holding a value the registry cannot parse (planted with storage write
/// access): the list names it apart, reading it is a 500 problem naming the property, its own key is told its record is
/// unreadable, and every other partner goes on working. The row is put back afterwards.
/// </summary>
[Collection(PlatformCollections.Partners)]
public class PartnerUnreadableRowRoutesTests(PlatformFixture platform)
{
    private const string Planted = "carrier-planted";

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? key, string? json = null)
    {
        using var request = platform.Request(method, path, key, json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"));
        using var response = await platform.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    [Fact]
    public async Task Routes_OnePartnerRowUnparseable_NamedApartAndEveryOtherPartnerUnaffected()
    {
        var (created, createdBody) = await SendAsync(HttpMethod.Post, "api/v1/partners", PlatformFixture.FinanceKey,
            $$"""{"id":"{{Planted}}","role":"carrier","plan":"carrier-standard-v1","displayName":"Planted","billingEmail":"b@planted.example"}""");
        Assert.Equal(HttpStatusCode.Created, created);
        string key = createdBody!["apiKey"]!.GetValue<string>();
        var table = new TableServiceClient(platform.ConnectionString).GetTableClient(platform.TablePrefix + "partners");
        var original = (await table.GetEntityAsync<TableEntity>("p", Planted)).Value;
        await table.UpdateEntityAsync(new TableEntity("p", Planted) { ["Role"] = "overlord" }, ETag.All, TableUpdateMode.Merge);
        try
        {
            // A change through the API drops the app's cached registry, so the next request reads every row again.
            Assert.Equal(HttpStatusCode.Created, (await SendAsync(HttpMethod.Post, "api/v1/partners", PlatformFixture.FinanceKey,
                """{"id":"tenant-planted-peer","role":"tenant","plan":"compute-standard-v1","displayName":"Peer","billingEmail":"b@peer.example"}""")).Status);

            var (listed, list) = await SendAsync(HttpMethod.Get, "api/v1/partners", PlatformFixture.FinanceKey);
            var (one, problem) = await SendAsync(HttpMethod.Get, "api/v1/partners/" + Planted, PlatformFixture.FinanceKey);
            var (own, ownProblem) = await SendAsync(HttpMethod.Get, "api/v1/invoices", key);
            var (other, _) = await SendAsync(HttpMethod.Get, "api/v1/invoices", PlatformFixture.CarrierKey);

            Assert.Equal(HttpStatusCode.OK, listed);
            Assert.DoesNotContain(Planted, list!["partners"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()));
            Assert.Contains("carrier-tmo", list["partners"]!.AsArray().Select(p => p!["id"]!.GetValue<string>()));
            var unreadable = Assert.Single(list["unreadable"]!.AsArray());
            Assert.Equal(Planted, unreadable!["id"]!.GetValue<string>());
            Assert.Contains("property 'Role'", unreadable["reason"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.InternalServerError, one);
            Assert.Contains("property 'Role'", problem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(Billing.Contracts.Problems.ApiProblem.StorageIntegrityType, problem["type"]!.GetValue<string>()); // before: …/500, as for an unexpected failure
            Assert.Equal(HttpStatusCode.InternalServerError, own);
            Assert.Contains("cannot be read", ownProblem!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(Billing.Contracts.Problems.ApiProblem.StorageIntegrityType, ownProblem["type"]!.GetValue<string>());
            Assert.DoesNotContain("Role", ownProblem["detail"]!.GetValue<string>(), StringComparison.Ordinal); // the caller is told, not shown the row
            Assert.Equal(HttpStatusCode.OK, other);
        }
        finally
        {
            await table.UpdateEntityAsync(original, ETag.All, TableUpdateMode.Replace);
        }

        // The key's refusal is cached like any key (other instances hold theirs within CacheTtl too); a change through the API
        // drops this instance's cache at once, and then the mended row's key works.
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Patch, "api/v1/partners/tenant-planted-peer", PlatformFixture.FinanceKey, """{"displayName":"Peer again"}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "api/v1/invoices", key)).Status);
    }

    [Theory]
    [InlineData("PATCH", "", """{"displayName":"Changed"}""", 0)]
    [InlineData("POST", "/keys", null, 0)]
    [InlineData("PATCH", "", """{"displayName":"Changed","status":"disabled"}""", 1)] // two entries: the second overflows
    public async Task Change_PartnerRowWhoseAuditCountNoEntryCanFollow_Answers500StorageIntegrityAndChangesNothing(string method, string path, string? json, long belowMax)
    {
        // A row planted with the largest count: the next audit entry's sequence would overflow. Before: an OverflowException
        // answered as an untyped 500 (…/problems/500) the CLI sent 5 times.
        string id = "carrier-counted-" + Guid.NewGuid().ToString("N")[..8];
        var (created, _) = await SendAsync(HttpMethod.Post, "api/v1/partners", PlatformFixture.FinanceKey,
            $$"""{"id":"{{id}}","role":"carrier","plan":"carrier-standard-v1","displayName":"Counted","billingEmail":"b@counted.example"}""");
        Assert.Equal(HttpStatusCode.Created, created);
        var table = new TableServiceClient(platform.ConnectionString).GetTableClient(platform.TablePrefix + "partners");
        await table.UpdateEntityAsync(new TableEntity("p", id) { ["AuditCount"] = long.MaxValue - belowMax }, ETag.All, TableUpdateMode.Merge);

        var (status, problem) = await SendAsync(new HttpMethod(method), $"api/v1/partners/{id}{path}", PlatformFixture.FinanceKey, json);

        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Equal(Billing.Contracts.Problems.ApiProblem.StorageIntegrityType, problem!["type"]!.GetValue<string>());
        Assert.Contains("AuditCount", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var (_, partner) = await SendAsync(HttpMethod.Get, "api/v1/partners/" + id, PlatformFixture.FinanceKey);
        Assert.Equal("Counted", partner!["displayName"]!.GetValue<string>());
        Assert.Single(partner["keys"]!.AsArray());
    }
}
