using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Billing.Publishing.Tests;

public sealed class EventHubsUsagePublisherTests : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Real time a test waits for a publish that should already have ended (a hang fails instead of blocking the run).</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly RecordingProducer carrier = new(maxBatchBytes: 100);
    private readonly RecordingProducer compute = new(maxBatchBytes: 100);
    private readonly FakeTimeProvider time = new();

    private EventHubsUsagePublisher Publisher() => new(carrier, compute, Timeout, time, NullLogger<EventHubsUsagePublisher>.Instance);

    public async ValueTask DisposeAsync()
    {
        await carrier.DisposeAsync();
        await compute.DisposeAsync();
    }

    private static PublishedUsage Event(UsageHub hub, string key, string body) => new(hub, key, Encoding.UTF8.GetBytes(body), "test.usage.v1");

    /// <summary>A body of exactly <paramref name="bytes"/> bytes starting with <paramref name="tag"/>.</summary>
    private static string Body(string tag, int bytes) => tag + new string('x', bytes - tag.Length);

    [Fact]
    public async Task PublishAsync_EventsOfSeveralPayersAndHubs_SendsEachKeyToItsHubWithThatKey()
    {
        PublishedUsage[] events =
        [
            Event(UsageHub.CarrierOffload, "carrier-a", "a1"),
            Event(UsageHub.ComputeUsage, "tenant-x", "x1"),
            Event(UsageHub.CarrierOffload, "carrier-b|03", "b1"),
            Event(UsageHub.CarrierOffload, "carrier-a", "a2"),
            Event(UsageHub.ComputeUsage, "tenant-y", "y1"),
        ];

        await Publisher().PublishAsync(events, CancellationToken.None);

        Assert.Equal([new("carrier-a", ["a1", "a2"]), new("carrier-b|03", ["b1"])], carrier.Sent, SentBatchComparer.Instance);
        Assert.Equal([new("tenant-x", ["x1"]), new("tenant-y", ["y1"])], compute.Sent, SentBatchComparer.Instance);
    }

    [Fact]
    public async Task PublishAsync_EventsFillingTheLimitExactly_SplitsAtTheLimit()
    {
        // 100-byte batches: 60 + 40 fill one exactly, so the next byte starts a new batch; 1 + 98 + 1 fill that one too.
        string[] bodies = [Body("e0", 60), Body("e1", 40), "2", Body("e3", 98), "4", "5"];

        await Publisher().PublishAsync([.. bodies.Select(b => Event(UsageHub.CarrierOffload, "p", b))], CancellationToken.None);

        Assert.Equal([[bodies[0], bodies[1]], [bodies[2], bodies[3], bodies[4]], [bodies[5]]], carrier.Sent.Select(s => s.Bodies));
        Assert.All(carrier.Sent, s => Assert.True(s.Bodies.Sum(b => b.Length) <= carrier.MaxBatchBytes));
    }

    [Fact]
    public async Task PublishAsync_InterleavedKeysOverManyBatches_KeepsOrderWithinEachKey()
    {
        var events = Enumerable.Range(0, 60).Select(i => Event(UsageHub.CarrierOffload, i % 3 == 0 ? "hot|00" : "hot|01", $"{i:D3}-{new string('x', 16)}")).ToList();

        await Publisher().PublishAsync(events, CancellationToken.None);

        Assert.True(carrier.Sent.Count > 2, "the events must span several batches");
        foreach (var key in new[] { "hot|00", "hot|01" })
        {
            var expected = events.Where(e => e.PartitionKey == key).Select(e => Encoding.UTF8.GetString(e.Body.Span));
            Assert.Equal(expected, carrier.Sent.Where(s => s.PartitionKey == key).SelectMany(s => s.Bodies));
        }
    }

    [Fact]
    public async Task PublishAsync_SendFailsTransiently_ThrowsUnavailableAndSendsNoLaterBatch()
    {
        carrier.FailSend = attempt => attempt == 1 ? new EventHubsException(true, "carrier-offload", "busy", EventHubsException.FailureReason.ServiceBusy) : null;
        string[] keys = ["a", "b", "c"];
        var events = keys.Select(k => Event(UsageHub.CarrierOffload, k, k)).Append(Event(UsageHub.ComputeUsage, "t", "t")).ToList();

        var ex = await Assert.ThrowsAsync<UsagePublishUnavailableException>(() => Publisher().PublishAsync(events, CancellationToken.None));

        Assert.IsType<EventHubsException>(ex.InnerException);
        Assert.Equal(2, carrier.SendAttempts);
        Assert.Equal(["a"], carrier.Sent.Select(s => s.PartitionKey));
        Assert.Equal(0, compute.SendAttempts);
    }

    [Fact]
    public async Task PublishAsync_SdkTimeout_ThrowsUnavailable()
    {
        compute.FailSend = _ => new TimeoutException("no answer");

        var ex = await Assert.ThrowsAsync<UsagePublishUnavailableException>(() => Publisher().PublishAsync([Event(UsageHub.ComputeUsage, "t", "t")], CancellationToken.None));

        Assert.IsType<TimeoutException>(ex.InnerException);
    }

    [Fact]
    public async Task PublishAsync_NoConfirmationWithinPublishTimeout_ThrowsUnavailable()
    {
        carrier.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var publishing = Publisher().PublishAsync([Event(UsageHub.CarrierOffload, "p", "e")], CancellationToken.None);
        Assert.False(publishing.IsCompleted);

        time.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        await Task.Delay(50);
        Assert.False(publishing.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));

        await Assert.ThrowsAsync<UsagePublishUnavailableException>(() => publishing.WaitAsync(Bound));
        Assert.Empty(carrier.Sent);
    }

    [Fact]
    public async Task PublishAsync_CallerCancels_PropagatesCancellationNotUnavailable()
    {
        carrier.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cts = new CancellationTokenSource();
        var publishing = Publisher().PublishAsync([Event(UsageHub.CarrierOffload, "p", "e")], cts.Token);

        await cts.CancelAsync();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => publishing.WaitAsync(Bound));
        Assert.IsNotType<UsagePublishUnavailableException>(ex);
    }

    [Fact]
    public async Task PublishAsync_EventLargerThanAnEmptyBatch_ThrowsTooLargeAndSendsNothing()
    {
        PublishedUsage[] events =
        [
            Event(UsageHub.CarrierOffload, "a", "fits"),
            Event(UsageHub.ComputeUsage, "t", "fits too"),
            Event(UsageHub.CarrierOffload, "b", Body("big", 101)),
        ];

        var ex = await Assert.ThrowsAsync<UsageEventTooLargeException>(() => Publisher().PublishAsync(events, CancellationToken.None));

        Assert.Equal((2, UsageHub.CarrierOffload, 101, 100L), (ex.Index, ex.Hub, ex.BodyBytes, ex.MaxBatchBytes));
        Assert.Equal(0, carrier.SendAttempts + compute.SendAttempts);
    }

    [Fact]
    public async Task PublishAsync_NonTransientServiceFailure_PropagatesUnwrapped()
    {
        carrier.FailSend = _ => new EventHubsException(false, "carrier-offload", "not found", EventHubsException.FailureReason.ResourceNotFound);

        var ex = await Assert.ThrowsAsync<EventHubsException>(() => Publisher().PublishAsync([Event(UsageHub.CarrierOffload, "p", "e")], CancellationToken.None));

        Assert.Equal(EventHubsException.FailureReason.ResourceNotFound, ex.Reason);
    }

    [Fact]
    public async Task PublishAsync_EmptyPartitionKey_ThrowsArgumentExceptionAndSendsNothing()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Publisher().PublishAsync([Event(UsageHub.CarrierOffload, "", "e")], CancellationToken.None));

        Assert.Equal(0, carrier.SendAttempts);
    }

    [Fact]
    public async Task Create_Namespace_BuildsOneIdentityClientPerHub()
    {
        var options = new PublishingOptions { FullyQualifiedNamespace = "billing-ehns-x.servicebus.windows.net" };

        await using var publisher = EventHubsUsagePublisher.Create(options, time, NullLogger<EventHubsUsagePublisher>.Instance, new Azure.Identity.ClientSecretCredential("tenant", "client", "unused"));

        foreach (var hub in Enum.GetValues<UsageHub>())
        {
            Assert.Equal(("billing-ehns-x.servicebus.windows.net", UsageHubNames.Of(hub)), (publisher.ClientOf(hub).FullyQualifiedNamespace, publisher.ClientOf(hub).EventHubName));
        }
    }

    private sealed class SentBatchComparer : IEqualityComparer<SentBatch>
    {
        public static readonly SentBatchComparer Instance = new();

        public bool Equals(SentBatch? x, SentBatch? y) => x?.PartitionKey == y?.PartitionKey && (x?.Bodies ?? []).SequenceEqual(y?.Bodies ?? []);

        public int GetHashCode(SentBatch obj) => obj.PartitionKey?.GetHashCode(StringComparison.Ordinal) ?? 0;
    }
}
