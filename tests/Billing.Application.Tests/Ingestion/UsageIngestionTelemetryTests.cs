using System.Text;
using Billing.Application.Ingestion;
using Billing.Application.Telemetry;
using Billing.Domain.Definitions;
using Billing.Publishing;

namespace Billing.Application.Tests.Ingestion;

/// <summary>
/// <c>billing.events.accepted</c>, as a <see cref="MeterListener"/> sees it: every accepted event counted once the hubs
/// confirmed it, tagged with its type, built-in or declared (<c>meters/*.json</c>).
/// </summary>
public sealed class UsageIngestionTelemetryTests
{
    private static readonly DateTimeOffset Now = new(2026, 10, 20, 12, 0, 0, TimeSpan.Zero);
    private const string Node = "5ZxY9QXb1cTqVmk3n8pJfLr2sDwEaGh4uKoN6iBvCyT7";
    private static readonly Partner Grass = new("provider-grass", PartnerRole.Provider, null);
    private static readonly Partner Carrier = new("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1");

    /// <summary>Set around this test's own requests: the listener sees every test's measurements, the flow tells them apart.</summary>
    private static readonly AsyncLocal<bool> Mine = new();

    private static EventDefinitions Shipped() => EventDefinitions.Load(
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions", "meters"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => KeyValuePair.Create(Path.GetFileName(f), File.ReadAllText(f))));

    private static JsonObject Bandwidth(string id) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = id,
        ["source"] = Grass.Id,
        ["type"] = "depin.bandwidth.usage.v1",
        ["time"] = "2026-10-20T11:55:00Z",
        ["data"] = new JsonObject
        {
            ["customerId"] = "tenant-scraper",
            ["nodeId"] = Node,
            ["country"] = "DE",
            ["bytesServed"] = 5_000_000_000,
            ["requests"] = 1200,
            ["startTime"] = "2026-10-20T10:00:00Z",
            ["endTime"] = "2026-10-20T11:00:00Z",
        },
    };

    [Fact]
    public async Task IngestAsync_DeclaredAndBuiltInTypesAccepted_EachCountedWithItsTypeAsTag()
    {
        using var counted = new BillingMeasurements<long>("billing.events.accepted", (value, _) => Mine.Value && value > 0);
        var ingestion = new UsageIngestion(new UsageEventValidator(new Partners(), new Prices(), Shipped()), new UsagePartitioner([], 8), new ConfirmingPublisher(), new FakeTimeProvider(Now));
        string batch = new JsonArray(Bandwidth("bw-1"), Bandwidth("bw-2"), Bandwidth("bw-3")).ToJsonString();
        var json = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" };

        Mine.Value = true;
        var declared = await ingestion.IngestAsync(Grass, json, Encoding.UTF8.GetBytes(batch), CancellationToken.None);
        var builtIn = await ingestion.IngestAsync(Carrier, json, Encoding.UTF8.GetBytes(new CarrierEvent("s-1", Node, 1_000, 2_000, Now.AddHours(-1)).ToJson().ToJsonString()), CancellationToken.None);
        Mine.Value = false;

        Assert.Equal((null, 3, null, 1), (declared.Refusal, declared.Accepted, builtIn.Refusal, builtIn.Accepted));
        Assert.Equal([(3L, "depin.bandwidth.usage.v1"), (1L, EventTypes.CarrierOffloadV1)], counted.With("type"));
    }

    private sealed class ConfirmingPublisher : IUsagePublisher
    {
        public Task PublishAsync(IReadOnlyList<PublishedUsage> events, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class Partners : IPartnerDirectory
    {
        public Partner? Find(string partnerId) => partnerId switch
        {
            "provider-grass" => Grass,
            "carrier-tmo" => Carrier,
            "tenant-scraper" => new("tenant-scraper", PartnerRole.Tenant, "bandwidth-standard-v1") { Providers = ["provider-grass"] },
            _ => null,
        };
    }

    private sealed class Prices : IPriceCatalog
    {
        public bool IsPriced(string planId, string meter, string dimensionValue) => true;
    }
}
