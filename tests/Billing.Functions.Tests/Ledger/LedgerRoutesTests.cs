namespace Billing.Functions.Tests.Ledger;

/// <summary>Bad parameters of the ledger routes are 400 problem+json naming the parameter, never a 500; what verify answers besides its findings.</summary>
[Collection(PlatformCollections.Payments)]
public class LedgerRoutesTests(PlatformFixture platform)
{
    public static TheoryData<string, string> BadParameters() => new()
    {
        { "api/v1/ledger/balances?payer=%20", "payer" },
        { "api/v1/ledger/balances?payer=", "payer" },
        { "api/v1/ledger/balances?payer=%20carrier-tmo", "payer" },
        { "api/v1/ledger/balances?payer=a%00b", "payer" },
        { "api/v1/ledger/balances?payer=" + new string('x', 300), "payer" },
        { "api/v1/ledger/balances?payer=a&payer=b", "payer" },
        { "api/v1/ledger/entries?from=0", "from" },
        { "api/v1/ledger/entries?from=abc", "from" },
        { "api/v1/ledger/entries?limit=1001", "limit" },
        { "api/v1/ledger/entries?limit=-1", "limit" },
        { "api/v1/ledger/proof/" + "%01x", "entryId" },
        { "api/v1/ledger/proof/" + "e%E2%80%8B" + "%1F", "entryId" },
    };

    [Theory]
    [MemberData(nameof(BadParameters))]
    public async Task LedgerRoute_BadParameter_Returns400NamingIt(string path, string field)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, path, PlatformFixture.FinanceKey));
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(JsonNode.Parse(body)!["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == field);
    }

    [Fact]
    public async Task Proof_LongEntryId_Returns400NotServerError()
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/ledger/proof/" + new string('p', 2000), PlatformFixture.FinanceKey));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Entries_Page_CarriesEveryHashedFieldAndHead()
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/ledger/entries?from=1&limit=5", PlatformFixture.FinanceKey));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(body["head"]?["hash"]);
        foreach (var entry in body["entries"]!.AsArray())
        {
            using var doc = System.Text.Json.JsonDocument.Parse(entry!.ToJsonString());
            var parsed = Billing.Domain.Ledger.LedgerEntryJson.FromJson(doc.RootElement);
            Assert.Equal(parsed.Hash, parsed.ComputeHash());
        }
    }

    [Fact]
    public async Task Proof_EntryIdWhoseKeyWouldBeTooLong_Returns404ProblemNotServerError()
    {
        string entryId = new('#', 200); // a valid id of 200 characters; its row key would be 603
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/ledger/proof/" + Uri.EscapeDataString(entryId), PlatformFixture.FinanceKey));
        string body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"no ledger entry '{entryId}'", JsonNode.Parse(body)!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Verify_Answer_NamesTheStallWindowItUsedInSeconds()
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/ledger/verify", PlatformFixture.FinanceKey));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // HeartbeatInterval 6 h + AnchorInterval 10 min (defaults) + the fixture's AnchorGrace of 1 day; before: not in the answer.
        Assert.Equal(30 * 3600 + 600, body["maxChainSilenceSeconds"]?.GetValue<int>());
    }

    [Fact]
    public async Task Verify_NoRetiredAnchorKeysConfigured_AnswersAnEmptyList()
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/ledger/verify", PlatformFixture.FinanceKey));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        // Before: not in the answer, so the CLI's hint could not name the keys to check the book against with --retired-authority.
        Assert.Equal(JsonValueKind.Array, body["retiredAuthorities"]?.GetValueKind());
        Assert.Empty(body["retiredAuthorities"]!.AsArray());
    }
}
