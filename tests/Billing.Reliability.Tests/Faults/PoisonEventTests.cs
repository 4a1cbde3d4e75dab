namespace Billing.Reliability.Tests.Faults;

/// <summary>
/// The platform with partners whose events used to stop a hub partition for good (every retry of the batch failed the
/// same way). Each test posts the poison first and ordinary events of another carrier after it.
/// </summary>
public sealed class PoisonFixture : AppHostFixture
{
    public const string FinanceKey = "rel-poison-finance-key-01";
    public const string OrdinaryCarrier = "carrier-poison-ok";
    public const string OrdinaryKey = "rel-poison-ok-key-5e2d";
    public const string PadCarrier = "carrier-poison-pad";
    public const string PadKey = "rel-poison-pad-key-77c1";
    public const string ResendCarrier = "carrier-poison-resend";
    public const string ResendKey = "rel-poison-resend-key-0b3f";
    public const string EmojiCarrier = "carrier-poison-emoji";
    public const string EmojiKey = "rel-poison-emoji-key-9a4e";

    protected override void Configure(Dictionary<string, string> settings) => PlatformFixture.AddPartners(settings,
    [
        (OrdinaryCarrier, "Carrier", OrdinaryKey, "carrier-standard-v1"),
        (PadCarrier, "Carrier", PadKey, "carrier-standard-v1"),
        (ResendCarrier, "Carrier", ResendKey, "carrier-standard-v1"),
        (EmojiCarrier, "Carrier", EmojiKey, "carrier-standard-v1"),
        ("finance", "Finance", FinanceKey, null),
    ]);
}

[CollectionDefinition(Name)]
public sealed class PoisonCollection : ICollectionFixture<PoisonFixture>
{
    public const string Name = "reliability-poison";
}

[Collection(PoisonCollection.Name)]
public class PoisonEventTests(PoisonFixture fixture)
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromMinutes(4); // tens of MiB per invocation on a loaded 2-core machine

    private AppHost App => fixture.App;

    /// <summary>A valid carrier event as JSON text, with an extension attribute of <paramref name="padding"/> written unescaped.</summary>
    private static string Event(string source, string id, long bytes, string hotspot, string? padding = null)
    {
        string json = SampleEvents.Carrier(id, hotspot, bytes, 0, source: source).ToJsonString(new System.Text.Json.JsonSerializerOptions
        {
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        return padding is null ? json : json[..^1] + ",\"padding\":\"" + padding + "\"}";
    }

    private async Task PostAllAsync(string key, IReadOnlyList<string> events, int perRequest)
    {
        foreach (var chunk in events.Chunk(perRequest))
        {
            var (status, body) = await App.SendAsync(HttpMethod.Post, "api/v1/usage", key, AppHost.Batch("[" + string.Join(",", chunk) + "]"));
            Assert.True(status == 202, $"{status}: {body}");
            Assert.Equal(chunk.Length, JsonNode.Parse(body)!["accepted"]!.GetValue<int>());
        }
    }

    /// <summary>Ordinary events of another carrier, posted after the poison: every one of them must be metered.</summary>
    private async Task<(int Sessions, long Bytes)> PostOrdinaryAsync(string hotspot)
    {
        var events = Enumerable.Range(0, 200).Select(i => Event(PoisonFixture.OrdinaryCarrier, $"ok-{hotspot}-{i}", 1_000 + i, hotspot)).ToList();
        await PostAllAsync(PoisonFixture.OrdinaryKey, events, perRequest: 50);
        return (200, Enumerable.Range(0, 200).Sum(i => 1_000L + i));
    }

    private async Task AssertMeteredAsync(string payer, string hotspot, int sessions, long bytes)
    {
        var from = DateTimeOffset.UtcNow.AddDays(-2);
        var to = DateTimeOffset.UtcNow.AddDays(2);
        Assert.Equal(sessions, await App.MeterTotalAsync(PoisonFixture.FinanceKey, payer, "offload.sessions", from, to, hotspot));
        Assert.Equal(bytes, await App.MeterTotalAsync(PoisonFixture.FinanceKey, payer, "offload.bytes", from, to, hotspot));
    }

    [Fact]
    public async Task Meter_IdsOf64Emoji_StoredAndOtherCarriersMeteredExactly()
    {
        // Escaped, the id alone is 768 characters: its row keys were over the 512-character limit, 400 InvalidInput on every retry.
        string hotspot = PlatformFixture.NewHotspot();
        var poison = Enumerable.Range(0, 8)
            .Select(i => Event(PoisonFixture.EmojiCarrier, string.Concat(Enumerable.Repeat("\U0001F600", 63)) + char.ConvertFromUtf32(0x1F400 + i), 500, hotspot))
            .ToList();
        await PostAllAsync(PoisonFixture.EmojiKey, poison, perRequest: 8);
        var ordinary = await PostOrdinaryAsync(hotspot);

        await App.DrainAsync(DrainTimeout);

        await AssertMeteredAsync(PoisonFixture.OrdinaryCarrier, hotspot, ordinary.Sessions, ordinary.Bytes);
        await AssertMeteredAsync(PoisonFixture.EmojiCarrier, hotspot, 8, 8 * 500);
        Assert.Empty(await new QuarantineStore(App.Tables()).ListAsync(PoisonFixture.EmojiCarrier, CancellationToken.None));
    }

    [Fact]
    public async Task Meter_EventsPaddedTo63KiBWithAngleBrackets_MeteredAndOtherCarriersMeteredExactly()
    {
        // The host escapes '<' to seven bytes: a backlog of these made a metering invocation far over the handler's 8 MiB limit.
        string hotspot = PlatformFixture.NewHotspot();
        string padding = new('<', 63_000);
        var poison = Enumerable.Range(0, 48).Select(i => Event(PoisonFixture.PadCarrier, $"pad-{hotspot}-{i}", 2_000 + i, hotspot, padding)).ToList();
        await PostAllAsync(PoisonFixture.PadKey, poison, perRequest: 16);

        // The same accepted events as a backlog in one partition (as after an outage): large batches whatever the timing.
        App.Host.Broker.GetHub("carrier-offload").Publish(poison, partitionKey: PoisonFixture.PadCarrier);
        var ordinary = await PostOrdinaryAsync(hotspot);

        await App.DrainAsync(DrainTimeout);

        await AssertMeteredAsync(PoisonFixture.OrdinaryCarrier, hotspot, ordinary.Sessions, ordinary.Bytes);
        await AssertMeteredAsync(PoisonFixture.PadCarrier, hotspot, 48, Enumerable.Range(0, 48).Sum(i => 2_000L + i));
        Assert.Empty(await new QuarantineStore(App.Tables()).ListAsync(PoisonFixture.PadCarrier, CancellationToken.None));
    }

    [Fact]
    public async Task Meter_OneIdResent30TimesWithDifferentPadding_ConflictsQuarantinedByteExactAndOthersMeteredExactly()
    {
        // 29 conflicts, each holding two padded versions: one quarantine transaction of them was over 4 MiB.
        string hotspot = PlatformFixture.NewHotspot();
        string id = $"resend-{hotspot}";
        // Versions differ in a billed field (so each is a conflict, not a redelivery) and in 63 KiB of padding.
        var versions = Enumerable.Range(0, 30).Select(i => Event(PoisonFixture.ResendCarrier, id, 3_000 + i, hotspot, new string('<', 63_000))).ToList();
        // Straight to the hub, as a backlog of resends from separate requests: one request repeating an id with other
        // content has the repeats rejected at ingestion.
        App.Host.Broker.GetHub("carrier-offload").Publish(versions, partitionKey: PoisonFixture.ResendCarrier);
        var ordinary = await PostOrdinaryAsync(hotspot);

        await App.DrainAsync(DrainTimeout);

        await AssertMeteredAsync(PoisonFixture.OrdinaryCarrier, hotspot, ordinary.Sessions, ordinary.Bytes);
        var quarantined = (await new QuarantineStore(App.Tables()).ListAsync(PoisonFixture.ResendCarrier, CancellationToken.None))
            .Where(q => q.EventId == id).ToList();
        Assert.All(quarantined, q => Assert.Equal(QuarantineKind.Conflict, q.Kind));
        var raws = quarantined.Select(q => q.Raw).ToHashSet(StringComparer.Ordinal);
        string first = Assert.Single(quarantined.Select(q => q.ExistingRaw).Distinct())!;
        Assert.Equal(29, raws.Count);
        Assert.Equal(versions.ToHashSet(StringComparer.Ordinal), raws.Append(first).ToHashSet(StringComparer.Ordinal)); // every version whole, byte for byte
        await AssertMeteredAsync(PoisonFixture.ResendCarrier, hotspot, 1, 3_000 + versions.IndexOf(first)); // the first version counts
    }
}
