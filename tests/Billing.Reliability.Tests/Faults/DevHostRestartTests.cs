using Billing.Reliability.Tests.Load;
using Billing.Storage;

namespace Billing.Reliability.Tests.Faults;

/// <summary>
/// The DevHost itself is stopped while accepted events still wait in its hubs, and started again on the same data
/// directory: like a real Event Hub, the hubs are durable, so every accepted event is metered, exactly once.
/// </summary>
public class DevHostRestartTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const string Carrier = "carrier-restart-2";
    private const string CarrierKey = "rel-restart-2-key-0b4f";
    private const string FinanceKey = "rel-restart-2-finance-key-9a1d";

    [Fact]
    public async Task DevHostStoppedWithUncheckpointedEvents_RestartedOnSameDataDirectory_EveryAcceptedEventMeteredOnce()
    {
        string prefix = AzuriteFixture.UniquePrefix();
        string data = Path.Combine(Path.GetTempPath(), "devhost-data-" + Guid.NewGuid().ToString("N"));
        var settings = AppHost.OneCarrierWithoutChain(azurite.ConnectionString, prefix, Carrier, CarrierKey, FinanceKey);
        var (batches, distinct) = LoadTests.Stream(new EventFactory(92), Carrier, "dr" + Guid.NewGuid().ToString("N")[..6], 8_000, batchSize: 1_000);
        try
        {
            long pending;
            await using (var first = await AppHost.StartAsync(azurite.ConnectionString, prefix, settings, o => o with { DataDirectory = data }))
            {
                foreach (var b in batches)
                {
                    var (status, body) = await first.SendAsync(HttpMethod.Post, "api/v1/usage", CarrierKey, AppHost.Batch(b));
                    Assert.True(status == 202, $"{status}: {body}");
                }

                pending = Pending(first.Host.Status());
            }

            // The stop left accepted events unprocessed; otherwise this test would prove nothing.
            Assert.True(pending > 0, "metering caught up before the DevHost was stopped");

            await using var second = await AppHost.StartAsync(azurite.ConnectionString, prefix, settings, o => o with { DataDirectory = data });
            await second.DrainAsync(TimeSpan.FromMinutes(4));
            var from = DateTimeOffset.UtcNow.AddDays(-3);
            var to = DateTimeOffset.UtcNow.AddDays(2);
            Assert.Equal(distinct.Count, await second.MeterTotalAsync(FinanceKey, Carrier, "offload.sessions", from, to));
            Assert.Equal(distinct.Values.Sum(e => e.Bytes), await second.MeterTotalAsync(FinanceKey, Carrier, "offload.bytes", from, to));
            await second.AssertRollupsMatchFactsAsync(FinanceKey, Carrier, from, to);
            Assert.Empty(await new QuarantineStore(second.Tables()).ListAsync(Carrier, CancellationToken.None));
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
