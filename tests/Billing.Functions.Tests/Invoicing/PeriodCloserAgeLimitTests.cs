using Billing.Application.Ingestion;
using Billing.Application.Metering;
using Billing.Publishing;

namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// An event accepted at the edge of the 35-day window reaches its hub moments later (publishing takes time): metering,
/// which checks the window against the enqueue time, must still meter it, or a 202 Accepted event is never billed.
/// </summary>
public class PeriodCloserAgeLimitTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
    /// <summary>Stands in for the hub: publishing takes <paramref name="latency"/> on the clock, and each event is enqueued when it ends.</summary>
    private sealed class SlowHub(FakeTimeProvider clock, TimeSpan latency) : IUsagePublisher
    {
        public List<(string Body, DateTimeOffset EnqueuedAt)> Enqueued { get; } = [];

        public Task PublishAsync(IReadOnlyList<PublishedUsage> events, CancellationToken cancellationToken)
        {
            clock.Advance(latency);
            Enqueued.AddRange(events.Select(e => (Encoding.UTF8.GetString(e.Body.Span), clock.GetUtcNow())));
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task MeterAsync_EventAcceptedAtTheAgeLimitEnqueuedSecondsLater_MeteredAndBilledOnce()
    {
        var now = November.Start.AddDays(1);
        var setup = await NewAsync(now);
        await setup.AddCarrierAsync(September.Start.AddDays(5), 10_000_000_000);                // 100,000 DC → 1.00
        var directory = new PartnerDirectory(setup.Partners, Options.Create(new PartnerOptions()), setup.Clock, NullLogger<PartnerDirectory>.Instance);
        var validator = new UsageEventValidator(directory, setup.Plans);
        await directory.EnsureFreshAsync(CancellationToken.None);
        var hub = new SlowHub(setup.Clock, TimeSpan.FromSeconds(3));
        var ingestion = new UsageIngestion(validator, new UsagePartitioner([], setup.Facts.Shards), hub, setup.Clock);
        // A September session exactly as old as an event may be, less a second: +250,000 DC → +2.50.
        var edge = SampleEvents.Carrier("at-the-limit", PlatformFixture.NewHotspot(), 25_000_000_000, 0, now - EventLimits.MaxAge + TimeSpan.FromSeconds(1));
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" };

        var outcome = await ingestion.IngestAsync(new Partner("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1"), headers, Encoding.UTF8.GetBytes(edge.ToJsonString()), CancellationToken.None);
        var metering = new MeteringService(validator, setup.Facts, new QuarantineStore(setup.Tables), directory, setup.Clock, new MeteringLag(setup.Clock, Options.Create(new MeteringOptions()), NullLogger<MeteringLag>.Instance), NullLogger<MeteringService>.Instance);
        var batch = new MeteringBatch([.. hub.Enqueued.Select(e => e.Body)], [.. hub.Enqueued.Select(e => (DateTimeOffset?)e.EnqueuedAt)], [1], "0");
        var summary = await metering.MeterAsync(MeteringHubs.CarrierOffload, EventTypes.CarrierOffloadV1, batch, CancellationToken.None);
        var redelivered = await metering.MeterAsync(MeteringHubs.CarrierOffload, EventTypes.CarrierOffloadV1, batch, CancellationToken.None);
        var september = Assert.Single((await setup.Closer.CloseAsync(September, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");

        Assert.Equal(1, outcome.Accepted);
        Assert.Equal((1, 0), (summary.Inserted, summary.Quarantined)); // before: quarantined as "more than 35 days in the past"
        Assert.Equal((0, 1), (redelivered.Inserted, redelivered.Duplicates));
        Assert.Equal(350, september.Total.MinorUnits);
    }
}
