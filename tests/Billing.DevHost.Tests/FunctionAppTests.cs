using System.Text.Json;
using System.Text.Json.Nodes;

namespace Billing.DevHost.Tests;

/// <summary>The DevHost reads the real app's host.json and function.json files and builds the host's payloads from them.</summary>
public class FunctionAppTests
{
    private static string AppDirectory()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "functions", "Billing.Functions");
            if (File.Exists(Path.Combine(candidate, "host.json")))
            {
                return candidate; // the source folder holds the same host.json and function folders as the build output
            }
        }

        throw new InvalidOperationException("functions/Billing.Functions not found");
    }

    [Fact]
    public void Load_RealApp_FindsEveryFunctionWithItsTriggerAndSettings()
    {
        var app = FunctionApp.Load(AppDirectory());

        Assert.True(app.ForwardHttpRequests);
        Assert.Equal("api", app.RoutePrefix);
        Assert.EndsWith("Billing.Functions", app.ExecutablePath, StringComparison.Ordinal);
        var meter = Assert.Single(app.Functions, f => f.Name == "MeterCarrierOffload");
        Assert.Equal("eventHubTrigger", meter.Trigger.Type);
        Assert.Equal("carrier-offload", meter.Trigger.Setting("eventHubName"));
        Assert.Equal("many", meter.Trigger.Setting("cardinality"));
        Assert.True(meter.Retry.RetriesForever);
        var ingest = Assert.Single(app.Functions, f => f.Name == "IngestUsage");
        Assert.True(ingest.IsPlainHttp); // it publishes itself (payer-keyed), so the host forwards the request as is
        Assert.Equal(["POST"], ingest.Trigger.Methods);
        Assert.True(Assert.Single(app.Functions, f => f.Name == "QueryUsage").IsPlainHttp);
        Assert.Contains(app.Functions, f => f.Trigger.Type == "timerTrigger");
    }

    [Fact]
    public void Load_FolderWithoutHostJson_ExplainsWhatIsMissing()
    {
        var ex = Assert.Throws<FileNotFoundException>(() => FunctionApp.Load(Path.GetTempPath()));
        Assert.Contains("host.json", ex.Message);
    }

    [Theory]
    [InlineData(0, 2)]
    [InlineData(1, 4)]
    [InlineData(4, 32)]
    [InlineData(10, 60)]
    public void RetryPolicy_ExponentialBackoff_DoublesUpToTheMaximum(int attempt, int seconds)
    {
        var policy = new RetryPolicy("exponentialBackoff", -1, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(60), TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(seconds), policy.Delay(attempt));
    }

    [Fact]
    public void EventHubPayload_ManyEvents_HasTheHostsDoubleEncodedShape()
    {
        var app = FunctionApp.Load(AppDirectory());
        var function = app.Functions.Single(f => f.Name == "MeterCarrierOffload");
        var broker = new EventHubBroker(2, TimeProvider.System);
        var hub = broker.GetHub("carrier-offload");
        hub.Publish(["{\"id\":\"a\"}", "{\"id\":\"b\"}", "{\"id\":\"c\"}"]);
        var partition = hub.Partitions[0];
        var batch = partition.Read(0, 10);
        var server = new DevHostServer(new DevHostOptions { AppDirectory = AppDirectory(), Settings = new Dictionary<string, string> { ["EventHubConsumerGroup"] = "$Default" } });

        var payload = server.EventHubPayload(function, hub, partition, "$Default", batch, many: true);

        // Data.events is a JSON string holding an array of strings; Metadata arrays are JSON strings too.
        string eventsText = payload["Data"]!["events"]!.GetValue<string>();
        Assert.Equal(batch.Select(e => e.Body), JsonSerializer.Deserialize<string[]>(eventsText)!);
        var metadata = payload["Metadata"]!.AsObject();
        foreach (string key in new[] { "PartitionContext", "PartitionKeyArray", "OffsetArray", "SequenceNumberArray", "EnqueuedTimeUtcArray", "PropertiesArray", "SystemPropertiesArray" })
        {
            Assert.True(metadata.ContainsKey(key), key);
            Assert.IsAssignableFrom<JsonValue>(metadata[key]);
        }

        Assert.Equal(batch.Select(e => e.SequenceNumber), JsonSerializer.Deserialize<long[]>(metadata["SequenceNumberArray"]!.GetValue<string>())!);
        Assert.Equal("0", JsonNode.Parse(metadata["PartitionContext"]!.GetValue<string>())!["PartitionId"]!.GetValue<string>());
        Assert.Equal("MeterCarrierOffload", metadata["sys"]!["MethodName"]!.GetValue<string>());
    }

    [Fact]
    public void Publish_WithoutPartitionKey_SpreadsRoundRobin_WithKey_StaysOnOnePartition()
    {
        var hub = new EventHubBroker(4, TimeProvider.System).GetHub("h");

        hub.Publish(Enumerable.Range(0, 8).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        hub.Publish(["k1", "k2", "k3"], partitionKey: "payer-1");

        Assert.Equal(8 + 3, hub.Partitions.Sum(p => p.Count));
        Assert.Single(hub.Partitions, p => p.Count == 5);
        Assert.Equal(3, hub.Partitions.Count(p => p.Count == 2));
    }
}
