using System.Collections.Concurrent;
using Azure.Messaging.EventHubs.Producer;

namespace Billing.Publishing.Tests;

/// <summary>A batch the double was asked to send: its partition key and its event bodies (UTF-8), in order.</summary>
internal sealed record SentBatch(string? PartitionKey, IReadOnlyList<string> Bodies);

/// <summary>
/// Test double of the SDK's producer (Azure Event Hubs cannot be reached from tests): the virtual
/// <see cref="EventHubProducerClient.CreateBatchAsync(CreateBatchOptions, CancellationToken)"/> hands out model-factory
/// batches that accept events while the sum of their body sizes stays within <see cref="MaxBatchBytes"/>, and
/// <see cref="EventHubProducerClient.SendAsync(EventDataBatch, CancellationToken)"/> records each batch or fails as told.
/// </summary>
internal sealed class RecordingProducer(long maxBatchBytes) : EventHubProducerClient
{
    private readonly ConcurrentDictionary<EventDataBatch, (string? Key, List<EventData> Store)> created = new();

    public long MaxBatchBytes { get; } = maxBatchBytes;

    public List<SentBatch> Sent { get; } = [];

    /// <summary>Send attempts, including failed ones.</summary>
    public int SendAttempts { get; private set; }

    public int BatchesCreated => created.Count;

    /// <summary>Given the 0-based attempt number, the failure to throw (null: the send is confirmed).</summary>
    public Func<int, Exception?> FailSend { get; set; } = _ => null;

    /// <summary>When set, every send waits for it (honouring cancellation) before being confirmed.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public override ValueTask<EventDataBatch> CreateBatchAsync(CreateBatchOptions options, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var store = new List<EventData>();
        long size = 0;
        var withLimit = new CreateBatchOptions { PartitionKey = options.PartitionKey, MaximumSizeInBytes = MaxBatchBytes };
        var batch = EventHubsModelFactory.EventDataBatch(MaxBatchBytes, store, withLimit, e =>
        {
            long next = size + e.EventBody.ToMemory().Length;
            if (next > MaxBatchBytes)
            {
                return false;
            }

            size = next;
            return true;
        });
        created[batch] = (options.PartitionKey, store);
        return ValueTask.FromResult(batch);
    }

    public override async Task SendAsync(EventDataBatch eventBatch, CancellationToken cancellationToken = default)
    {
        int attempt = SendAttempts++;
        if (FailSend(attempt) is { } failure)
        {
            throw failure;
        }

        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var (key, store) = created[eventBatch];
        Sent.Add(new SentBatch(key, [.. store.Select(e => Encoding.UTF8.GetString(e.EventBody.ToMemory().Span))]));
    }

    /// <summary>Nothing to close: the double never opened a connection.</summary>
    public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
