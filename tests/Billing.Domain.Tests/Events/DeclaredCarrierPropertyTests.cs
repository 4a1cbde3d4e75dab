namespace Billing.Domain.Tests.Events;

/// <summary>
/// A test-only definition that describes carrier offload (payer = source, the same fields and rules) gives the same
/// facts' quantities and totals as the hand-written path, over random event streams. The format cannot say "default =
/// uploadBytes + downloadBytes", so the generated events always carry <c>rewardableBytes</c>.
/// </summary>
public sealed class DeclaredCarrierPropertyTests
{
    private const string Type = "test.carrier.offload.v1";

    private const string Definition = """
        {
          "type": "test.carrier.offload.v1",
          "description": "Carrier offload, declared (test only)",
          "postedBy": "carrier",
          "payer": "source",
          "fields": {
            "sessionId": { "type": "string", "maxLength": 128 },
            "hotspotId": { "type": "base58", "bytes": 32 },
            "subscriberHash": { "type": "string", "pattern": "^[0-9a-fA-F]{64}$", "optional": true },
            "radioAccessTechnology": { "type": "enum", "values": ["wlan", "cbrs", "nr"] },
            "startTime": { "type": "time" },
            "endTime": { "type": "time" },
            "uploadBytes": { "type": "integer", "min": 0, "max": 10000000000000 },
            "downloadBytes": { "type": "integer", "min": 0, "max": 10000000000000 },
            "rewardableBytes": { "type": "integer", "min": 0, "max": 10000000000000 }
          },
          "checks": [
            { "rule": "startTime <= endTime", "message": "must not be before startTime" },
            { "rule": "rewardableBytes <= uploadBytes + downloadBytes", "message": "must not exceed uploadBytes + downloadBytes" }
          ],
          "meters": [
            { "name": "test.offload.bytes", "description": "Bytes", "aggregation": "SUM", "value": "rewardableBytes", "unit": "byte",
              "dimensions": { "hotspot": "hotspotId", "rat": "radioAccessTechnology" } },
            { "name": "test.offload.sessions", "description": "Sessions", "aggregation": "COUNT", "unit": "session",
              "dimensions": { "hotspot": "hotspotId", "rat": "radioAccessTechnology" } }
          ]
        }
        """;

    private static readonly EventDefinitions Definitions = EventDefinitions.Load([KeyValuePair.Create(Type + ".json", Definition)]);

    private static readonly string[] Rats = ["wlan", "cbrs", "nr"];

    private static readonly string[] Hotspots = [TestEvents.Hotspot, "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin", "11111111111111111111111111111111"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Validate_RandomCarrierStreams_DeclaredPathGivesTheSameQuantitiesAndTotals(int seed)
    {
        var random = new Random(seed);
        var builtIn = TestEvents.Validator();
        var declared = new UsageEventValidator(new TestEvents.Directory(), new TestEvents.Prices(), Definitions);
        var window = UsageWindow.Day;
        var bytesBuiltIn = new UsageRollup(Meters.OffloadBytesMeter, window, [Meters.Hotspot, Meters.Rat]);
        var sessionsBuiltIn = new UsageRollup(Meters.OffloadSessionsMeter, window, [Meters.Hotspot, Meters.Rat]);
        var bytesDeclared = new UsageRollup(Definitions.Meters.Find("test.offload.bytes")!, window, ["hotspot", "rat"]);
        var sessionsDeclared = new UsageRollup(Definitions.Meters.Find("test.offload.sessions")!, window, ["hotspot", "rat"]);
        int valid = 0;
        for (int i = 0; i < 300; i++)
        {
            var evt = RandomEvent(random, i);
            var a = Validate(builtIn, evt);
            evt["type"] = Type;
            var b = Validate(declared, evt);

            Assert.Equal(a.IsValid, b.IsValid);
            Assert.Equal(a.Errors.Select(e => e.Field).Order(), b.Errors.Select(e => e.Field).Order());
            if (a.Fact is not { } x || b.Fact is not { } y)
            {
                continue;
            }

            valid++;
            Assert.Equal((x.Payer, x.Time, x.Bytes), (y.Payer, y.Time, y.Quantity("test.offload.bytes")!.Value));
            Assert.Equal(1, y.Quantity("test.offload.sessions"));
            Assert.Equal((x.Hotspot, x.Rat), (y.Dimension("test.offload.bytes", "hotspot"), y.Dimension("test.offload.bytes", "rat")));
            bytesBuiltIn.Add(x);
            sessionsBuiltIn.Add(x);
            bytesDeclared.Add(y);
            sessionsDeclared.Add(y);
        }

        Assert.InRange(valid, 100, 300);
        Assert.Equal(Totals(bytesBuiltIn), Totals(bytesDeclared));
        Assert.Equal(Totals(sessionsBuiltIn), Totals(sessionsDeclared));
    }

    private static EventValidationResult Validate(UsageEventValidator validator, JsonObject evt) =>
        validator.Validate(System.Text.Encoding.UTF8.GetBytes(evt.ToJsonString()), new ValidationContext(TestEvents.Now, "carrier-tmo"));

    private static List<string> Totals(UsageRollup rollup) =>
        [.. rollup.Rows().Select(r => $"{r.WindowStart:O}|{r.Group["hotspot"]}|{r.Group["rat"]}={r.Quantity}")];

    /// <summary>A carrier session, mostly valid; about one in six breaks a rule both paths share.</summary>
    private static JsonObject RandomEvent(Random random, int i)
    {
        long up = random.NextInt64(0, 2_000_000_000);
        long down = random.NextInt64(0, 2_000_000_000);
        long rewardable = random.NextInt64(0, up + down + 1);
        var end = TestEvents.Now.AddMinutes(-random.Next(1, 60 * 24 * 30));
        var evt = new CarrierEvent($"s-{i}", Hotspots[random.Next(Hotspots.Length)], up, down, end)
        {
            RadioAccessTechnology = Rats[random.Next(Rats.Length)],
            RewardableBytes = rewardable,
            SubscriberHash = random.Next(2) == 0 ? null : new string('c', 64),
        }.ToJson();
        var data = evt["data"]!;
        switch (random.Next(18))
        {
            case 0:
                data["rewardableBytes"] = up + down + 1;
                break;
            case 1:
                data["radioAccessTechnology"] = "lte";
                break;
            case 2:
                data["uploadBytes"] = -1;
                break;
        }

        return evt;
    }
}
