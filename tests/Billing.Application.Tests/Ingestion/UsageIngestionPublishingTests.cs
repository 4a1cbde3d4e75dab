using System.Text;
using Billing.Application.Ingestion;
using Billing.Publishing;

namespace Billing.Application.Tests.Ingestion;

/// <summary>
/// <see cref="UsageIngestion.IngestAsync"/>: accepted events are published to their hub under the payer's partition key
/// (one writer per fact partition), the outcome reports them accepted only once the publisher has confirmed them, and a
/// publishing failure reports nothing accepted. The publisher is a recording double of our own interface: the Event
/// Hubs implementation behind it is tested against the SDK in Billing.Publishing.Tests, the DevHost's in the platform tests.
/// </summary>
public sealed class UsageIngestionPublishingTests
{
    private static readonly DateTimeOffset SessionEnd = new(2026, 10, 20, 10, 15, 0, TimeSpan.Zero);
    private static readonly Partner Carrier = new("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1");
    private static readonly Partner Provider = new("provider-nodeops", PartnerRole.Provider, null);
    private const string Hotspot = "5ZxY9QXb1cTqVmk3n8pJfLr2sDwEaGh4uKoN6iBvCyT7";
    private const int Shards = 8;

    private static UsageIngestion Ingestion(IUsagePublisher publisher, params string[] hotPayers) =>
        new(new UsageEventValidator(new Partners(), new Prices()), new UsagePartitioner(hotPayers, Shards), publisher, new FakeTimeProvider(SessionEnd.AddHours(1)));

    private static Dictionary<string, string> Json() => new(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/json" };

    private static string Batch(params UsageEvent[] events) => new JsonArray(events.Select(e => (JsonNode)e.ToJson()).ToArray()).ToJsonString();

    private static CarrierEvent Session(string id) => new(id, Hotspot, 1_000, 2_000, SessionEnd);

    [Fact]
    public async Task IngestAsync_CarrierBatch_PublishesEachEventToTheCarrierHubKeyedByThePayer()
    {
        var publisher = new RecordingPublisher();

        var outcome = await Ingestion(publisher).IngestAsync(Carrier, Json(), Encoding.UTF8.GetBytes(Batch(Session("s-1"), Session("s-2"))), CancellationToken.None);

        Assert.Null(outcome.Refusal);
        Assert.Equal(2, outcome.Accepted);
        var sent = Assert.Single(publisher.Calls);
        Assert.All(sent, e => Assert.Equal((UsageHub.CarrierOffload, "carrier-tmo"), (e.Hub, e.PartitionKey)));
        Assert.Equal(["s-1", "s-2"], sent.Select(e => JsonNode.Parse(Encoding.UTF8.GetString(e.Body.Span))!["id"]!.GetValue<string>()));
    }

    [Fact]
    public async Task IngestAsync_ComputeUsage_IsKeyedByTheTenantThatPays_NotTheProviderThatPosts()
    {
        var publisher = new RecordingPublisher();

        var outcome = await Ingestion(publisher).IngestAsync(Provider, Json(), Encoding.UTF8.GetBytes(new ComputeEvent("lease-1-h1", "lease-1", "H100", 2, SessionEnd).ToJson().ToJsonString()), CancellationToken.None);

        Assert.Equal(1, outcome.Accepted);
        var e = Assert.Single(Assert.Single(publisher.Calls));
        Assert.Equal((UsageHub.ComputeUsage, "tenant-lab"), (e.Hub, e.PartitionKey));
    }

    [Fact]
    public async Task IngestAsync_HotPayer_IsKeyedByPayerAndTheFactShardOfEachEvent()
    {
        var publisher = new RecordingPublisher();
        var events = Enumerable.Range(0, 40).Select(i => Session($"hot-{i}")).ToArray();

        await Ingestion(publisher, "carrier-tmo").IngestAsync(Carrier, Json(), Encoding.UTF8.GetBytes(Batch(events)), CancellationToken.None);

        var sent = Assert.Single(publisher.Calls);
        Assert.Equal(
            events.Select(e => $"carrier-tmo|{FactShard.Of("carrier-tmo", e.Id, Shards):D2}"),
            sent.Select(e => e.PartitionKey));
        Assert.True(sent.Select(e => e.PartitionKey).Distinct().Count() > 1, "40 events should spread over several shards");
    }

    [Fact]
    public async Task IngestAsync_PublisherUnavailable_SaysSomeMayBeQueuedAndToResendTheSameIds()
    {
        // The publisher fails after some batches were confirmed, or with no answer for one that landed: those events will
        // be metered whatever the answer says, so it must not say that nothing was accepted (a partner that resent them
        // under new ids would be billed twice).
        var publisher = new RecordingPublisher { Failure = new UsagePublishUnavailableException("publishing to CarrierOffload failed transiently (timeout) after 1 of 2 batch(es) were confirmed; retry later") };

        var outcome = await Ingestion(publisher).IngestAsync(Carrier, Json(), Encoding.UTF8.GetBytes(Batch(Session("s-1"), Session("s-2"))), CancellationToken.None);

        Assert.Equal(IngestRefusalKind.Unavailable, outcome.Refusal?.Kind);
        Assert.Empty(outcome.Rejected);
        string detail = outcome.Refusal!.Detail;
        Assert.DoesNotContain("nothing was accepted", detail, StringComparison.Ordinal);
        Assert.Contains("some of its events may already be queued", detail, StringComparison.Ordinal);
        Assert.Contains("send the same events again with the same ids, never under new ids", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IngestAsync_EventTooLargeForTheHub_IsRefusedAsTooLarge()
    {
        var publisher = new RecordingPublisher { Failure = new UsageEventTooLargeException(0, UsageHub.CarrierOffload, 2_000_000, 1_000_000) };

        var outcome = await Ingestion(publisher).IngestAsync(Carrier, Json(), Encoding.UTF8.GetBytes(Batch(Session("s-1"))), CancellationToken.None);

        Assert.Equal(IngestRefusalKind.TooLarge, outcome.Refusal?.Kind);
        Assert.Equal(0, outcome.Accepted);
    }

    [Fact]
    public async Task IngestAsync_NothingValid_PublishesNothing()
    {
        var publisher = new RecordingPublisher();

        var outcome = await Ingestion(publisher).IngestAsync(Carrier, Json(), Encoding.UTF8.GetBytes(Batch(Session("s-1") with { Hotspot = "not-base58-0OIl" })), CancellationToken.None);

        Assert.Equal(IngestRefusalKind.NoEventAccepted, outcome.Refusal?.Kind);
        Assert.Empty(publisher.Calls);
    }

    [Fact]
    public async Task IngestAsync_AnswersOnlyAfterThePublisherConfirms()
    {
        var confirm = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var publisher = new RecordingPublisher { Gate = confirm.Task };

        var ingest = Ingestion(publisher).IngestAsync(Carrier, Json(), Encoding.UTF8.GetBytes(Batch(Session("s-1"))), CancellationToken.None);
        await Task.Delay(50);

        Assert.False(ingest.IsCompleted);
        confirm.SetResult();
        Assert.Equal(1, (await ingest).Accepted);
    }

    private sealed class RecordingPublisher : IUsagePublisher
    {
        public List<IReadOnlyList<PublishedUsage>> Calls { get; } = [];

        public Exception? Failure { get; init; }

        public Task Gate { get; init; } = Task.CompletedTask;

        public async Task PublishAsync(IReadOnlyList<PublishedUsage> events, CancellationToken cancellationToken)
        {
            Calls.Add(events);
            await Gate;
            if (Failure is not null)
            {
                throw Failure;
            }
        }
    }

    private sealed class Partners : IPartnerDirectory
    {
        public Partner? Find(string partnerId) => partnerId switch
        {
            "carrier-tmo" => Carrier,
            "provider-nodeops" => Provider,
            "tenant-lab" => new("tenant-lab", PartnerRole.Tenant, "compute-standard-v1") { Providers = ["provider-nodeops"] },
            _ => null,
        };
    }

    private sealed class Prices : IPriceCatalog
    {
        public bool IsPriced(string planId, string meter, string dimensionValue) => true;
    }
}
