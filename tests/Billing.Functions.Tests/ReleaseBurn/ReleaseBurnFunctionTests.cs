using Billing.Tests.Shared;

namespace Billing.Functions.Tests.ReleaseBurn;

/// <summary>
/// POST /api/v1/burns/{id}/release against the running platform: a burn held because Stripe refunded part of its invoice
/// outside any credit note (stored as the webhook would have), released by finance for nothing, so no token moves.
/// </summary>
[Collection(PlatformCollection.Name)]
public class ReleaseBurnFunctionTests(PlatformFixture platform)
{
    /// <summary>A held burn of 123.45 USD whose invoice was paid in full and refunded 23.45 outside any credit note: 100.00 kept.</summary>
    private Task<string> HeldBurnAsync(int earlierReleases = 0, string? note = null) => HeldBurns.CreateAsync(platform.ConnectionString, platform.TablePrefix, earlierReleases, note);

    private async Task<(HttpStatusCode Status, JsonNode Body)> ReleaseAsync(string burnId, string body, string key = PlatformFixture.FinanceKey)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Post, $"api/v1/burns/{Uri.EscapeDataString(burnId)}/release", key, new StringContent(body, Encoding.UTF8, "application/json")));
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task Release_FinanceReleasesNothing_SkippedWithWhoAndWhy()
    {
        string id = await HeldBurnAsync();

        var (status, burn) = await ReleaseAsync(id, """{"amountMinor": 0, "note": "customer refunded in full goodwill"}""");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("skipped", 0L, "finance", "customer refunded in full goodwill"),
            (burn["status"]!.GetValue<string>(), burn["usdMinor"]!.GetValue<long>(), burn["releasedBy"]!.GetValue<string>(), burn["releaseNote"]!.GetValue<string>()));
        Assert.NotNull(burn["releasedAt"]);
        var release = Assert.Single(burn["releases"]!.AsArray())!;
        Assert.Equal(("finance", 0L, 10_000L, "customer refunded in full goodwill"),
            (release["releasedBy"]!.GetValue<string>(), release["amountMinor"]!.GetValue<long>(), release["keptMinor"]!.GetValue<long>(), release["note"]!.GetValue<string>()));
        var (again, problem) = await ReleaseAsync(id, """{"amountMinor": 0, "note": "twice"}""");
        Assert.Equal(HttpStatusCode.Conflict, again);
        Assert.Contains("is skipped; only a held burn is released", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Release_BurnRowHoldsAPlantedValue_Returns500StorageIntegrityAndReleasesNothing()
    {
        string id = await HeldBurnAsync();
        var burns = new TableServiceClient(platform.ConnectionString).GetTableClient(platform.TablePrefix + "burns");
        await burns.UpdateEntityAsync(new TableEntity("burn", TableKey.Escape(id)) { ["UsdMinor"] = "12345" }, ETag.All, TableUpdateMode.Merge); // as storage write access could
        try
        {
            var (status, problem) = await ReleaseAsync(id, """{"amountMinor": 0, "note": "planted"}""");

            Assert.Equal(HttpStatusCode.InternalServerError, status);
            Assert.Equal(("Stored row unreadable", Billing.Contracts.Problems.ApiProblem.StorageIntegrityType), (problem["title"]!.GetValue<string>(), problem["type"]!.GetValue<string>())); // before: …/500
            Assert.Contains($"burn '{id}' is not released", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        finally
        {
            await burns.UpdateEntityAsync(new TableEntity("burn", TableKey.Escape(id)) { ["UsdMinor"] = 12_345L }, ETag.All, TableUpdateMode.Merge);
        }

        var (again, burn) = await ReleaseAsync(id, """{"amountMinor": 0, "note": "mended"}""");
        Assert.Equal((HttpStatusCode.OK, "mended"), (again, burn["releaseNote"]!.GetValue<string>())); // nothing was released while it could not be read
    }

    [Fact]
    public async Task Release_BookedButItsRowNotWritten_AnotherAmountCompletesItAndStandsAfterIt()
    {
        string id = await HeldBurnAsync();
        // A release cut off between its ledger entry and its row: the book holds release 1, the burn does not.
        var ledger = new LedgerStore(new BillingTables(new TableServiceClient(platform.ConnectionString), new StorageOptions { TablePrefix = platform.TablePrefix }), TestSeals.Keys);
        var booked = new BurnRelease("finance", DateTimeOffset.UtcNow.AddMinutes(-1), 5_000, 10_000, "first try");
        await ledger.AppendAsync(LedgerEntries.MainBook, new BurnReleaseEvidence(id, id["burn-".Length..], 1, booked, new Dictionary<string, long>(), "the refund rows").ToDraft(), CancellationToken.None);

        var (status, burn) = await ReleaseAsync(id, """{"amountMinor": 0, "note": "another amount"}""");

        Assert.Equal((HttpStatusCode.OK, "skipped", 0L, "another amount"), (status, burn["status"]!.GetValue<string>(), burn["usdMinor"]!.GetValue<long>(), burn["releaseNote"]!.GetValue<string>()));
        var releases = burn["releases"]!.AsArray();
        Assert.Equal((2, "first try", 5_000L), (releases.Count, releases[0]!["note"]!.GetValue<string>(), releases[0]!["amountMinor"]!.GetValue<long>()));
    }

    [Fact]
    public async Task Release_MoreThanTheInvoiceKept_Returns409NamingWhatWasKept()
    {
        string id = await HeldBurnAsync();

        var (status, problem) = await ReleaseAsync(id, """{"amountMinor": 10001, "note": "too much"}""");

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("100.01 USD (10001 minor units) is more than", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("kept after its credit notes and refunds, 100.00 USD (10000 minor units)", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("amountMinor", problem["errors"]![0]!["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Release_BurnReleasedTheMostTimes_Returns409AndKeepsItHeld()
    {
        string id = await HeldBurnAsync(earlierReleases: 20); // BurnReleaser.MaxReleases

        var (status, problem) = await ReleaseAsync(id, """{"amountMinor": 100, "note": "once more"}""");

        Assert.Equal((HttpStatusCode.Conflict, "Released too often"), (status, problem["title"]!.GetValue<string>()));
        Assert.Contains("was released 20 times", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Release_HistoryOfTheLongestNotesFull_Returns409AndAShorterNoteStillFits()
    {
        // JSON writes an emoji as twelve characters: ten notes of 250 fill most of what one table property keeps.
        string emoji = string.Concat(Enumerable.Repeat("\U0001F600", 250));
        string id = await HeldBurnAsync(earlierReleases: 10, note: emoji);

        var (full, problem) = await ReleaseAsync(id, $$"""{"amountMinor": 100, "note": "{{emoji}}"}""");
        var (shorter, burn) = await ReleaseAsync(id, """{"amountMinor": 100, "note": "goodwill"}""");

        // Before, the eleventh release was an unhandled 500, and so was every later one: the burn stayed held for good.
        Assert.Equal((HttpStatusCode.Conflict, "Released too often"), (full, problem["title"]!.GetValue<string>()));
        Assert.Contains("cannot keep one more release: its 10 releases fill what one burn keeps", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.OK, 11), (shorter, burn["releases"]!.AsArray().Count));
    }

    [Theory]
    [InlineData("""{"amountMinor": -1, "note": "x"}""", "amountMinor")]
    [InlineData("""{"amountMinor": 1.5, "note": "x"}""", "amountMinor")]
    [InlineData("""{"amountMinor": 100}""", "note")]
    [InlineData("""{"amountMinor": 100, "note": "  "}""", "note")]
    [InlineData("""{"amountMinor": 100, "note": "two\nlines"}""", "note")]
    [InlineData("""{"amountMinor": 100, "note": "x", "force": true}""", "force")]
    [InlineData("""[1]""", "$")]
    [InlineData("""{"amountMinor": 1, "amountMinor": 2, "note": "x"}""", "$")]
    [InlineData("not json", "$")]
    public async Task Release_BadBody_Returns400NamingTheField(string body, string field)
    {
        var (status, problem) = await ReleaseAsync("burn-INV-any-202610", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(problem["errors"]!.AsArray(), e => e!["field"]!.GetValue<string>() == field);
    }

    /// <summary>A JSON escape of a lone surrogate is valid JSON but no text: reading it threw, and the route answered 500.</summary>
    [Fact]
    public async Task Release_NoteIsALoneSurrogate_Returns400NamingTheNote()
    {
        var (status, problem) = await ReleaseAsync("burn-INV-any-202610", """{"amountMinor": 100, "note": "kept \ud800"}""");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal(("note", "must be valid Unicode text (it contains a lone surrogate)"), (error["field"]!.GetValue<string>(), error["reason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Release_NotFinanceOrNoSuchBurn_Returns403Or404()
    {
        string id = await HeldBurnAsync();

        var (forbidden, _) = await ReleaseAsync(id, """{"amountMinor": 0, "note": "x"}""", PlatformFixture.CarrierKey);
        var (missing, _) = await ReleaseAsync("burn-INV-nobody-202610", """{"amountMinor": 0, "note": "x"}""");

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.NotFound), (forbidden, missing));
    }

    public static TheoryData<string> IdsTooLongForAKey => new() { new string('/', 300), new string('a', 600), "burn-INV-" + new string('#', 200) + "-202610" };

    [Theory]
    [MemberData(nameof(IdsTooLongForAKey))]
    public async Task Release_IdTooLongForARowKey_Returns404ProblemNamingTheBurn(string id)
    {
        var (status, problem) = await ReleaseAsync(id, """{"amountMinor": 0, "note": "x"}""");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.StartsWith("no burn ", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
