namespace Billing.Reliability.Tests.Faults;

/// <summary>
/// The DevHost itself is stopped while accepted events still wait in its hubs, and started again on the same data
/// directory: like a real Event Hub, the hubs are durable, so every accepted event is metered, exactly once.
/// </summary>
public class DevHostRestartTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private readonly OneCarrierPlatform platform = new(azurite.ConnectionString, "carrier-restart-2", "rel-restart-2-key-0b4f", "rel-restart-2-finance-key-9a1d");

    [Fact]
    public async Task DevHostStoppedWithUncheckpointedEvents_RestartedOnSameDataDirectory_EveryAcceptedEventMeteredOnce()
    {
        string data = Path.Combine(Path.GetTempPath(), "devhost-data-" + Guid.NewGuid().ToString("N"));
        var (batches, distinct) = LoadTests.Stream(new EventFactory(92), platform.Carrier, "dr" + Guid.NewGuid().ToString("N")[..6], 8_000, batchSize: 1_000);
        try
        {
            long pending;
            await using (var first = await platform.StartAsync(o => o with { DataDirectory = data }))
            {
                foreach (var b in batches)
                {
                    var (status, body) = await first.SendAsync(HttpMethod.Post, "api/v1/usage", platform.CarrierKey, AppHost.Batch(b));
                    Assert.True(status == 202, $"{status}: {body}");
                }

                pending = Pending(first.Host.Status());
            }

            // The stop left accepted events unprocessed; otherwise this test would prove nothing.
            Assert.True(pending > 0, "metering caught up before the DevHost was stopped");

            await using var second = await platform.StartAsync(o => o with { DataDirectory = data });
            await second.DrainAsync(TimeSpan.FromMinutes(4));
            await platform.AssertMeteredExactlyOnceAsync(second, [.. distinct.Values]);
            output.WriteLine($"{distinct.Count} distinct events accepted; {pending} event deliveries were still pending at the stop; all metered once after the restart");
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    /// <summary>Events in the hubs that some consumer has not checkpointed yet.</summary>
    private static long Pending(JsonObject status) =>
        status["hubs"]!.AsArray().SelectMany(h => h!["partitions"]!.AsArray())
            .Sum(p => p!["checkpoints"]!.AsObject().Sum(c => p["events"]!.GetValue<long>() - c.Value!.GetValue<long>()));
}
