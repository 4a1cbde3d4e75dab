namespace Billing.DevHost;

/// <summary>
/// In-process stand-in for Event Hubs: named hubs with N append-only partitions. Events without a partition key are
/// spread round-robin (as the service does); with a key, by a stable hash of it. Consumers track their own checkpoints.
/// With a <c>directory</c>, every partition is also an append-only file (one JSON line per event) that is written and
/// flushed to disk before <see cref="Hub.Publish"/> returns, and read back when the broker is created again: like a
/// real hub, what was accepted survives a restart of the DevHost.
/// </summary>
public sealed class EventHubBroker(int partitionCount, TimeProvider time, string? directory = null) : IDisposable
{
    private readonly Dictionary<string, Hub> hubs = new(StringComparer.OrdinalIgnoreCase);

    public int PartitionCount { get; } = partitionCount;

    /// <summary>Where the partitions are kept on disk; null when the hubs live in memory only.</summary>
    public string? Directory { get; } = directory;

    public Hub GetHub(string name)
    {
        lock (hubs)
        {
            if (!hubs.TryGetValue(name, out var hub))
            {
                hubs[name] = hub = new Hub(name, PartitionCount, time, Directory is null ? null : Path.Combine(Directory, FileName(name)));
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

    /// <summary>A hub or function name as a file name: lower case (hub names are case-insensitive), unsafe characters escaped.</summary>
    public static string FileName(string name)
    {
        var sb = new StringBuilder();
        foreach (char c in name.ToLowerInvariant())
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : $"%{(int)c:X4}");
        }

        return sb.ToString();
    }

    public void Dispose()
    {
        foreach (var hub in Hubs)
        {
            foreach (var partition in hub.Partitions)
            {
                partition.Dispose();
            }
        }
    }

    public sealed class Hub
    {
        private readonly Partition[] partitionList;
        private int next = -1;

        internal Hub(string name, int partitions, TimeProvider time, string? directory)
        {
            Name = name;
            if (directory is not null && System.IO.Directory.Exists(directory)
                && System.IO.Directory.EnumerateFiles(directory, "*.events").Any(f => !int.TryParse(Path.GetFileNameWithoutExtension(f), out int n) || n >= partitions))
            {
                // Fewer partitions than before would silently stop reading the others' events.
                throw new InvalidOperationException($"'{directory}' holds partitions beyond the {partitions} configured: start with the same --partitions, or move the folder away to start empty.");
            }

            partitionList = Enumerable.Range(0, partitions)
                .Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Select(id => new Partition(id, time, directory is null ? null : Path.Combine(directory, id + ".events")))
                .ToArray();
        }

        public string Name { get; }

        public IReadOnlyList<Partition> Partitions => partitionList;

        /// <summary>Appends the events; when this returns they are readable (and, with a directory, on disk).</summary>
        public void Publish(IEnumerable<string> bodies, string? partitionKey = null)
        {
            var byPartition = new Dictionary<int, List<string>>();
            foreach (string body in bodies)
            {
                int index = partitionKey is null
                    ? (int)((uint)Interlocked.Increment(ref next) % (uint)partitionList.Length)
                    : (int)(System.IO.Hashing.XxHash32.HashToUInt32(Encoding.UTF8.GetBytes(partitionKey)) % (uint)partitionList.Length);
                if (!byPartition.TryGetValue(index, out var list))
                {
                    byPartition[index] = list = [];
                }

                list.Add(body);
            }

            foreach (var (index, list) in byPartition)
            {
                partitionList[index].Append(list, partitionKey);
            }
        }
    }

    public sealed class Partition : IDisposable
    {
        private readonly List<HubEvent> events = [];
        private readonly SemaphoreSlim signal = new(0);
        private readonly TimeProvider time;
        private readonly FileStream? file;
        private long offset;

        internal Partition(string id, TimeProvider time, string? path)
        {
            Id = id;
            this.time = time;
            if (path is not null)
            {
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
                try
                {
                    Load(file);
                }
                catch (JsonException ex)
                {
                    file.Dispose();
                    throw new InvalidOperationException($"'{path}' is not a DevHost partition file ({ex.Message}); move it away to start that partition empty.", ex);
                }
            }
        }

        public string Id { get; }

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

        public void Append(string body, string? partitionKey) => Append([body], partitionKey);

        public void Append(IReadOnlyList<string> bodies, string? partitionKey)
        {
            lock (events)
            {
                var now = time.GetUtcNow();
                if (file is not null)
                {
                    using var buffer = new MemoryStream();
                    foreach (string body in bodies)
                    {
                        using (var writer = new Utf8JsonWriter(buffer))
                        {
                            writer.WriteStartObject();
                            writer.WriteString("t", now);
                            writer.WriteString("k", partitionKey);
                            writer.WriteString("b", body);
                            writer.WriteEndObject();
                        }

                        buffer.WriteByte((byte)'\n');
                    }

                    // On disk before the caller acknowledges the events (ingest answers 202 only after this).
                    file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
                    file.Flush(flushToDisk: true);
                }

                foreach (string body in bodies)
                {
                    events.Add(new HubEvent(events.Count, offset, now, body, partitionKey));
                    offset += Encoding.UTF8.GetByteCount(body);
                }
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

        /// <summary>
        /// Reads the events back. A last line without its newline was cut short by a crash mid-write, before the events
        /// in it were acknowledged: it is dropped (and cut off the file), everything before it is kept.
        /// </summary>
        private void Load(FileStream stream)
        {
            var bytes = new byte[stream.Length];
            stream.ReadExactly(bytes);
            int start = 0;
            for (int end; (end = Array.IndexOf(bytes, (byte)'\n', start)) >= 0; start = end + 1)
            {
                using var line = JsonDocument.Parse(bytes.AsMemory(start, end - start));
                var e = line.RootElement;
                string body = e.GetProperty("b").GetString()!;
                events.Add(new HubEvent(events.Count, offset, e.GetProperty("t").GetDateTimeOffset(), body, e.GetProperty("k").GetString()));
                offset += Encoding.UTF8.GetByteCount(body);
            }

            stream.SetLength(start);
            stream.Seek(start, SeekOrigin.Begin);
        }

        public void Dispose()
        {
            lock (events)
            {
                file?.Dispose();
            }
        }
    }
}
