using Azure.Core;
using Azure.Identity;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;

namespace Billing.Publishing;

/// <summary>
/// <see cref="IUsagePublisher"/> on Azure Event Hubs: one <see cref="EventHubProducerClient"/> per hub. Events are grouped
/// by hub and partition key (order kept within a group) and packed into size-bounded <see cref="EventDataBatch"/>es,
/// all built before the first send, so an event that fits no batch fails the call with nothing sent. Batches are then
/// sent one after the other, each awaited until the service confirms it; the first failure stops the call, so no later
/// batch is sent. The whole call is bounded by <see cref="PublishingOptions.PublishTimeout"/>.
/// </summary>
public sealed partial class EventHubsUsagePublisher : IUsagePublisher, IAsyncDisposable
{
    private readonly EventHubProducerClient carrierOffload;
    private readonly EventHubProducerClient computeUsage;
    private readonly EventHubProducerClient? declaredUsage;
    private readonly TimeSpan publishTimeout;
    private readonly TimeProvider time;
    private readonly ILogger<EventHubsUsagePublisher> logger;
    private readonly bool ownsClients;

    /// <summary>A publisher over the given clients (which the caller keeps and disposes).</summary>
    public EventHubsUsagePublisher(EventHubProducerClient carrierOffload, EventHubProducerClient computeUsage, TimeSpan publishTimeout, TimeProvider time, ILogger<EventHubsUsagePublisher> logger, EventHubProducerClient? declaredUsage = null)
        : this(carrierOffload, computeUsage, declaredUsage, publishTimeout, time, logger, ownsClients: false)
    {
    }

    private EventHubsUsagePublisher(EventHubProducerClient carrierOffload, EventHubProducerClient computeUsage, EventHubProducerClient? declaredUsage, TimeSpan publishTimeout, TimeProvider time, ILogger<EventHubsUsagePublisher> logger, bool ownsClients)
    {
        ArgumentNullException.ThrowIfNull(carrierOffload);
        ArgumentNullException.ThrowIfNull(computeUsage);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(publishTimeout, TimeSpan.Zero);
        this.carrierOffload = carrierOffload;
        this.computeUsage = computeUsage;
        this.declaredUsage = declaredUsage;
        this.publishTimeout = publishTimeout;
        this.time = time;
        this.logger = logger;
        this.ownsClients = ownsClients;
    }

    /// <summary>
    /// A publisher with its own clients: the managed identity on <see cref="PublishingOptions.FullyQualifiedNamespace"/>
    /// (<paramref name="credential"/>, or DefaultAzureCredential), or <see cref="PublishingOptions.ConnectionString"/>.
    /// </summary>
    public static EventHubsUsagePublisher Create(PublishingOptions options, TimeProvider time, ILogger<EventHubsUsagePublisher> logger, TokenCredential? credential = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clientOptions = new EventHubProducerClientOptions
        {
            RetryOptions = new EventHubsRetryOptions
            {
                Mode = EventHubsRetryMode.Exponential,
                MaximumRetries = options.MaxRetries,
                TryTimeout = options.TryTimeout,
            },
        };

        // One credential for both clients: they share its token cache.
        TokenCredential? identity = string.IsNullOrWhiteSpace(options.ConnectionString) ? credential ?? new DefaultAzureCredential() : null;
        EventHubProducerClient Client(string hub) => identity is not null
            ? new EventHubProducerClient(options.FullyQualifiedNamespace, hub, identity, clientOptions)
            : new EventHubProducerClient(options.ConnectionString, hub, clientOptions);

        return new EventHubsUsagePublisher(Client(UsageHubNames.CarrierOffload), Client(UsageHubNames.ComputeUsage), Client(UsageHubNames.DeclaredUsage), options.PublishTimeout, time, logger, ownsClients: true);
    }

    /// <summary>The producer of <paramref name="hub"/> (for tests of how <see cref="Create"/> builds them).</summary>
    internal EventHubProducerClient ClientOf(UsageHub hub) => Client(hub);

    public async Task PublishAsync(IReadOnlyList<PublishedUsage> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return;
        }

        long started = time.GetTimestamp();
        using var timeout = new CancellationTokenSource(publishTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var batches = new List<(UsageHub Hub, EventDataBatch Batch)>();
        UsageHub hub = events[0].Hub;
        int sent = 0;
        try
        {
            // Every batch is built before the first send: an event that fits no batch fails the call with nothing sent.
            foreach (var group in events.Select((e, i) => (Event: e, Index: i)).GroupBy(x => (x.Event.Hub, x.Event.PartitionKey)))
            {
                hub = group.Key.Hub;
                await AddBatchesAsync(hub, group.Key.PartitionKey, group, batches, linked.Token).ConfigureAwait(false);
            }

            foreach (var (batchHub, batch) in batches)
            {
                hub = batchHub;
                await Client(batchHub).SendAsync(batch, linked.Token).ConfigureAwait(false);
                sent++;
            }
        }
        catch (EventHubsException ex) when (ex.IsTransient)
        {
            throw Unavailable(hub, sent, batches.Count, ex.Reason.ToString(), ex);
        }
        catch (TimeoutException ex)
        {
            throw Unavailable(hub, sent, batches.Count, "timeout", ex);
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(hub, sent, batches.Count, $"no confirmation within {publishTimeout}", ex);
        }
        catch (EventHubsException ex)
        {
            // Not transient (hub not found, a size or quota the service refused): a deployment problem, not the partner's.
            LogFailed(logger, hub, sent, batches.Count, ex.Reason);
            throw;
        }
        finally
        {
            foreach (var (_, batch) in batches)
            {
                batch.Dispose();
            }
        }

        var elapsed = time.GetElapsedTime(started);
        LogPublished(logger, events.Count, batches.Count, elapsed);
    }

    /// <summary>
    /// Packs one (hub, partition key) group, in order, into batches: a batch is closed when the next event does not fit
    /// it; an event that does not fit an empty batch is a <see cref="UsageEventTooLargeException"/>.
    /// </summary>
    private async Task AddBatchesAsync(UsageHub hub, string partitionKey, IEnumerable<(PublishedUsage Event, int Index)> group,
        List<(UsageHub Hub, EventDataBatch Batch)> batches, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(partitionKey, nameof(PublishedUsage.PartitionKey));
        var client = Client(hub);
        var options = new CreateBatchOptions { PartitionKey = partitionKey };
        EventDataBatch? batch = null;
        foreach (var (e, index) in group)
        {
            var data = new EventData(e.Body);
            if (batch is not null && batch.TryAdd(data))
            {
                continue;
            }

            batch = await client.CreateBatchAsync(options, cancellationToken).ConfigureAwait(false);
            batches.Add((hub, batch));
            if (!batch.TryAdd(data))
            {
                LogTooLarge(logger, index, hub, e.Body.Length, batch.MaximumSizeInBytes);
                throw new UsageEventTooLargeException(index, hub, e.Body.Length, batch.MaximumSizeInBytes);
            }
        }
    }

    private EventHubProducerClient Client(UsageHub hub) => hub switch
    {
        UsageHub.CarrierOffload => carrierOffload,
        UsageHub.ComputeUsage => computeUsage,
        UsageHub.DeclaredUsage => declaredUsage ?? throw new InvalidOperationException("no producer for the declared-usage hub"),
        _ => throw new ArgumentOutOfRangeException(nameof(hub), hub, "unknown hub"),
    };

    private UsagePublishUnavailableException Unavailable(UsageHub hub, int sent, int batches, string reason, Exception inner)
    {
        LogUnavailable(logger, hub, sent, batches, reason);
        return new UsagePublishUnavailableException(
            $"publishing to {hub} failed transiently ({reason}) after {sent} of {batches} batch(es) were confirmed; retry later", inner);
    }

    public async ValueTask DisposeAsync()
    {
        if (ownsClients)
        {
            await carrierOffload.DisposeAsync().ConfigureAwait(false);
            await computeUsage.DisposeAsync().ConfigureAwait(false);
            if (declaredUsage is not null)
            {
                await declaredUsage.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {Events} usage events in {Batches} batches in {Elapsed}")]
    private static partial void LogPublished(ILogger logger, int events, int batches, TimeSpan elapsed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing to {Hub} failed transiently ({Reason}) after {Sent} of {Batches} batches; the request is answered 503")]
    private static partial void LogUnavailable(ILogger logger, UsageHub hub, int sent, int batches, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Publishing to {Hub} failed ({Reason}) after {Sent} of {Batches} batches; not retryable, check the hub and the app's role")]
    private static partial void LogFailed(ILogger logger, UsageHub hub, int sent, int batches, EventHubsException.FailureReason reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Usage event {Index} ({Bytes} bytes) does not fit an empty {Hub} batch of {MaxBytes} bytes; nothing was sent")]
    private static partial void LogTooLarge(ILogger logger, int index, UsageHub hub, int bytes, long maxBytes);
}
