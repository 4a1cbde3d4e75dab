namespace Billing.Functions.Tests.ListQuarantine;

/// <summary>GET /api/v1/quarantine and /api/v1/quarantine/{id} through the DevHost: what metering set aside, to whom.</summary>
[Collection(PlatformCollection.Name)]
public class QuarantineRoutesTests(PlatformFixture platform)
{
    private async Task<(HttpStatusCode Status, JsonNode? Body)> GetAsync(string path, string? key)
    {
        using var request = platform.Request(HttpMethod.Get, path, key);
        using var response = await platform.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Meters an event, then the same (source, id) with other content: metering quarantines the second as a conflict.</summary>
    private async Task<(string EventId, string Hotspot)> QuarantineAConflictAsync()
    {
        string id = $"q-{Guid.NewGuid():N}";
        string hotspot = PlatformFixture.NewHotspot();
        var time = DateTimeOffset.UtcNow.AddMinutes(-30);
        using var first = await platform.PostUsageAsync(PlatformFixture.CarrierKey, new JsonArray(SampleEvents.Carrier(id, hotspot, 1_000, 2_000, time)));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        await platform.DrainAsync();
        using var second = await platform.PostUsageAsync(PlatformFixture.CarrierKey, new JsonArray(SampleEvents.Carrier(id, hotspot, 9_999, 2_000, time)));
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        await platform.DrainAsync();
        return (id, hotspot);
    }

    private async Task<JsonNode> FindAsync(string key, string query, string eventId)
    {
        string? after = null;
        do
        {
            var (status, body) = await GetAsync("api/v1/quarantine?" + query + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)), key);
            Assert.Equal(HttpStatusCode.OK, status);
            if (body!["events"]!.AsArray().FirstOrDefault(e => e!["eventId"]?.GetValue<string>() == eventId) is { } found)
            {
                return found;
            }

            after = body["next"]?.GetValue<string>();
        }
        while (after is not null);
        throw new Xunit.Sdk.XunitException($"event {eventId} is not listed for {query}");
    }

    [Fact]
    public async Task List_ConflictOfTheCarrier_ShownToItAndFinanceWithBothVersionsAndHiddenFromOthers()
    {
        var (eventId, hotspot) = await QuarantineAConflictAsync();

        var mine = await FindAsync(PlatformFixture.CarrierKey, "kind=conflict&limit=5", eventId);
        var financeView = await FindAsync(PlatformFixture.FinanceKey, "source=carrier-tmo&kind=conflict", eventId);
        string id = mine["id"]!.GetValue<string>();
        var (detailStatus, detail) = await GetAsync("api/v1/quarantine/" + Uri.EscapeDataString(id), PlatformFixture.CarrierKey);
        var (otherStatus, _) = await GetAsync("api/v1/quarantine/" + Uri.EscapeDataString(id), PlatformFixture.OtherCarrierKey);
        var (otherListStatus, otherList) = await GetAsync("api/v1/quarantine?source=carrier-tmo", PlatformFixture.OtherCarrierKey);
        var (ownListStatus, ownList) = await GetAsync("api/v1/quarantine?limit=1000", PlatformFixture.OtherCarrierKey);

        Assert.Equal(("conflict", "carrier-tmo", id), (mine["kind"]!.GetValue<string>(), mine["source"]!.GetValue<string>(), financeView["id"]!.GetValue<string>()));
        Assert.NotEmpty(mine["reasons"]!.AsArray());
        Assert.Null(mine["raw"]);
        Assert.Equal(HttpStatusCode.OK, detailStatus);
        string raw = detail!["raw"]!.GetValue<string>();
        string existing = detail["existingRaw"]!.GetValue<string>();
        Assert.Contains(hotspot, raw, StringComparison.Ordinal);
        Assert.Contains("9999", raw, StringComparison.Ordinal);
        Assert.Contains("1000", existing, StringComparison.Ordinal);
        Assert.Equal(mine["rawLength"]!.GetValue<long>(), raw.Length);
        Assert.Equal(mine["rawSha256"]!.GetValue<string>(), Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(raw))));
        Assert.Equal(HttpStatusCode.NotFound, otherStatus);
        Assert.Equal(HttpStatusCode.Forbidden, otherListStatus);
        Assert.Contains("partners read only the events they sent", otherList!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, ownListStatus);
        Assert.DoesNotContain(ownList!["events"]!.AsArray(), e => e!["source"]?.GetValue<string>() != "carrier-other");
    }

    [Fact]
    public async Task List_ReplayedTrueAndFalse_PagesEachEventOnceOnTheRightSide()
    {
        // Events of a source nobody registered: metering sets each aside as invalid; finance replays some (still invalid).
        string source = $"carrier-unknown-{Guid.NewGuid():N}"[..28];
        var events = Enumerable.Range(0, 7).Select(i => SampleEvents.Carrier($"q-{i}-{Guid.NewGuid():N}", PlatformFixture.NewHotspot(), 100, 100, source: source)).ToList();
        platform.Host.Broker.GetHub("carrier-offload").Publish(events.Select(e => e.ToJsonString()), "quarantine-route-tests");
        await platform.DrainAsync();
        var (_, all) = await GetAsync($"api/v1/quarantine?source={source}", PlatformFixture.FinanceKey);
        var ids = all!["events"]!.AsArray().Select(e => e!["id"]!.GetValue<string>()).ToList();
        Assert.Equal(7, ids.Count);
        var replayed = new[] { ids[1], ids[2], ids[5] };
        foreach (string id in replayed)
        {
            using var replay = await platform.Client.SendAsync(platform.Request(HttpMethod.Post, $"api/v1/quarantine/{Uri.EscapeDataString(id)}/replay", PlatformFixture.FinanceKey));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, replay.StatusCode);
        }

        async Task<List<JsonNode>> PagesAsync(string query)
        {
            var listed = new List<JsonNode>();
            string? after = null;
            do
            {
                var (status, body) = await GetAsync($"api/v1/quarantine?source={source}&limit=2&{query}" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)), PlatformFixture.FinanceKey);
                Assert.Equal(HttpStatusCode.OK, status);
                listed.AddRange(body!["events"]!.AsArray().Select(e => e!));
                after = body["next"]?.GetValue<string>();
            }
            while (after is not null);
            return listed;
        }

        var yes = await PagesAsync("replayed=true");
        var no = await PagesAsync("replayed=FALSE");

        Assert.Equal(replayed, yes.Select(e => e["id"]!.GetValue<string>()));
        Assert.All(yes, e => Assert.Equal(("invalid", "finance"), (e["replay"]!["outcome"]!.GetValue<string>(), e["replay"]!["by"]!.GetValue<string>())));
        Assert.Equal(ids.Except(replayed), no.Select(e => e["id"]!.GetValue<string>()));
        Assert.All(no, e => Assert.Null(e["replay"]));
    }

    [Fact]
    public async Task ListAndGet_SameEventDeliveredTwice_ShowFirstSeenFactsAndTheDeliveries()
    {
        string source = $"carrier-unknown-{Guid.NewGuid():N}"[..28]; // nobody registered it: metering sets the event aside as invalid
        string usage = SampleEvents.Carrier($"q-{Guid.NewGuid():N}", PlatformFixture.NewHotspot(), 100, 100, source: source).ToJsonString();
        var hub = platform.Host.Broker.GetHub("carrier-offload");
        hub.Publish([usage], "quarantine-route-tests");
        await platform.DrainAsync();
        var (_, once) = await GetAsync($"api/v1/quarantine?source={source}", PlatformFixture.FinanceKey);

        hub.Publish([usage], "quarantine-route-tests"); // the hub delivers it again, at a later position
        await platform.DrainAsync();
        var (listStatus, twice) = await GetAsync($"api/v1/quarantine?source={source}", PlatformFixture.FinanceKey);
        var first = Assert.Single(once!["events"]!.AsArray())!;
        var listed = Assert.Single(twice!["events"]!.AsArray())!;
        var (detailStatus, detail) = await GetAsync("api/v1/quarantine/" + Uri.EscapeDataString(listed["id"]!.GetValue<string>()), PlatformFixture.FinanceKey);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (listStatus, detailStatus));
        Assert.Equal(1, first["deliveries"]!.GetValue<long>());
        Assert.Equal(first["sequenceNumber"]!.GetValue<long>(), first["lastSequenceNumber"]!.GetValue<long>());
        foreach (var shown in new[] { listed, detail!["event"]! })
        {
            Assert.Equal(2, shown["deliveries"]!.GetValue<long>());
            Assert.Equal(first["quarantinedAt"]!.GetValue<DateTimeOffset>(), shown["quarantinedAt"]!.GetValue<DateTimeOffset>());
            Assert.Equal(first["sequenceNumber"]!.GetValue<long>(), shown["sequenceNumber"]!.GetValue<long>());
            Assert.Equal(first["reasons"]!.ToJsonString(), shown["reasons"]!.ToJsonString());
            Assert.True(shown["lastSequenceNumber"]!.GetValue<long>() > shown["sequenceNumber"]!.GetValue<long>());
            Assert.True(shown["lastSeenAt"]!.GetValue<DateTimeOffset>() >= shown["quarantinedAt"]!.GetValue<DateTimeOffset>());
            Assert.Equal(first["partitionId"]!.GetValue<string>(), shown["lastPartitionId"]!.GetValue<string>());
            Assert.Null(shown["latestReasons"]); // the same reasons both times
        }
    }

    [Fact]
    public async Task List_BadQuery_400NamingEachField()
    {
        var (status, body) = await GetAsync("api/v1/quarantine?kind=nope&limit=0&after=nope&from=yesterday&replayed=yes", PlatformFixture.FinanceKey);
        var (backwards, backwardsBody) = await GetAsync("api/v1/quarantine?from=2026-10-02&to=2026-10-01&kind=1", PlatformFixture.FinanceKey);
        var (repeated, repeatedBody) = await GetAsync("api/v1/quarantine?kind=1&replayed=true&replayed=false", PlatformFixture.FinanceKey); // refused before the route's own checks

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["after", "from", "kind", "limit", "replayed"], body!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("must be true or false", body["errors"]!.AsArray().Single(e => e!["field"]!.GetValue<string>() == "replayed")!["reason"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, backwards);
        Assert.Equal(["kind", "to"], backwardsBody!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.BadRequest, repeated);
        Assert.Equal(["replayed"], repeatedBody!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("kind=conflict,malformed")] // before: 200 listing unstorable events (Conflict | Malformed)
    [InlineData("kind=invalid,conflict")] // before: 200 listing conflicts
    [InlineData("kind=2")]
    [InlineData("kind=%2B2")]
    [InlineData("kind=conflict%20")]
    public async Task List_KindNotExactlyOneName_400NamingKind(string query)
    {
        var (status, body) = await GetAsync("api/v1/quarantine?" + query, PlatformFixture.FinanceKey);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["kind"], body!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()));
    }

    [Fact]
    public async Task List_ReplayedEmpty_400NamingReplayed()
    {
        var (status, body) = await GetAsync("api/v1/quarantine?replayed=", PlatformFixture.FinanceKey); // before: 200, every event

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["replayed"], body!["errors"]!.AsArray().Select(e => e!["field"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("api/v1/quarantine")]
    [InlineData("api/v1/quarantine/Y2Fycmllci10bW8.0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task Routes_WithoutAKey_401(string path)
    {
        var (status, body) = await GetAsync(path, null);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal(401, body!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task Get_UnknownOrMalformedId_404()
    {
        var (unknown, _) = await GetAsync("api/v1/quarantine/Y2Fycmllci10bW8.0000000000000000000000000000000000000000000000000000000000000000", PlatformFixture.FinanceKey);
        var (malformed, body) = await GetAsync("api/v1/quarantine/nope", PlatformFixture.FinanceKey);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (unknown, malformed));
        Assert.Contains("nope", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
