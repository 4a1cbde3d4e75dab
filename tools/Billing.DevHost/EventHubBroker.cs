namespace Billing.DevHost;

/// <summary>One event as a partition holds it.</summary>
public sealed record HubEvent(long SequenceNumber, long Offset, DateTimeOffset EnqueuedTime, string Body, string? PartitionKey);

/// <summary>
/// In-process stand-in for Event Hubs: named hubs with N append-only partitions. Events without a partition key are
/// spread round-robin (as the service does); with a key, by a stable hash of it. Consumers track their own checkpoints.
/// </summary>
public sealed class EventHubBroker(int partitionCount, TimeProvider time)
{
    private readonly Dictionary<string, Hub> hubs = new(StringComparer.OrdinalIgnoreCase);

    public int PartitionCount { get; } = partitionCount;

    public Hub GetHub(string name)
    {
        lock (hubs)
        {
            if (!hubs.TryGetValue(name, out var hub))
            {
                hubs[name] = hub = new Hub(name, PartitionCount, time);
            }

            return hub;
        }
    }

    public IReadOnlyList<Hub> Hubs
    {
        get
        {
            lock (hubs)
            {
                return hubs.Values.ToList();
            }
        }
    }

    public sealed class Hub(string name, int partitions, TimeProvider time)
    {
        private readonly Partition[] partitionList = Enumerable.Range(0, partitions).Select(i => new Partition(i.ToString(System.Globalization.CultureInfo.InvariantCulture), time)).ToArray();
        private int next = -1;

        public string Name { get; } = name;

        public IReadOnlyList<Partition> Partitions => partitionList;

        public void Publish(IEnumerable<string> bodies, string? partitionKey = null)
        {
            foreach (string body in bodies)
            {
                int index = partitionKey is null
                    ? (int)((uint)Interlocked.Increment(ref next) % (uint)partitionList.Length)
                    : (int)(System.IO.Hashing.XxHash32.HashToUInt32(System.Text.Encoding.UTF8.GetBytes(partitionKey)) % (uint)partitionList.Length);
                partitionList[index].Append(body, partitionKey);
            }
        }
    }

    public sealed class Partition(string id, TimeProvider time)
    {
        private readonly List<HubEvent> events = [];
        private readonly SemaphoreSlim signal = new(0);
        private long offset;

        public string Id { get; } = id;

        public long Count
        {
            get
            {
                lock (events)
                {
                    return events.Count;
                }
            }
        }

        public void Append(string body, string? partitionKey)
        {
            lock (events)
            {
                events.Add(new HubEvent(events.Count, offset, time.GetUtcNow(), body, partitionKey));
                offset += System.Text.Encoding.UTF8.GetByteCount(body);
            }

            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }

        public IReadOnlyList<HubEvent> Read(long fromSequence, int max)
        {
            lock (events)
            {
                int start = (int)Math.Min(fromSequence, events.Count);
                return events.GetRange(start, Math.Min(max, events.Count - start));
            }
        }

        /// <summary>Waits until events may have arrived, or the timeout passes.</summary>
        public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);
    }
}
