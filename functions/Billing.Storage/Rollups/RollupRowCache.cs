namespace Billing.Storage.Rollups;

/// <summary>
/// The rollup rows this process last wrote or read, each with its ETag, so a partition's next batch stages its
/// transactions without reading the rows again (docs/design.md §6). A cached row is only a guess: every write of it is
/// guarded by the ETag, so a row another writer or a rebuild changed fails the transaction (412, or 404 when a rebuild
/// deleted it) and is read again. With one writer per partition (payer-keyed publishing) the guess is nearly always right,
/// and metering's storage requests fall to its transactions.
/// <para>Bounded: the least recently used row leaves first. A row holds at most
/// <see cref="RollupCodec.CapacityChars"/> characters of groups, and a writer touches three or four rows of a partition.</para>
/// </summary>
internal sealed class RollupRowCache(int capacity)
{
    /// <summary>Rows kept by <see cref="FactStore"/>: about four per active partition for 64 partitions.</summary>
    public const int DefaultCapacity = 256;

    private readonly Lock gate = new();
    private readonly Dictionary<(string Partition, string RowKey), LinkedListNode<Entry>> entries = [];
    private readonly LinkedList<Entry> recency = new(); // most recent first

    public int Count
    {
        get
        {
            lock (gate)
            {
                return entries.Count;
            }
        }
    }

    public bool TryGet(string partitionKey, string rowKey, out RollupRows.Row row)
    {
        lock (gate)
        {
            if (entries.TryGetValue((partitionKey, rowKey), out var node))
            {
                recency.Remove(node);
                recency.AddFirst(node);
                row = node.Value.Row;
                return true;
            }
        }

        row = null!;
        return false;
    }

    /// <summary>Keeps <paramref name="row"/> when it exists with a known ETag; otherwise forgets the key (nothing to guard a write with).</summary>
    public void Set(string partitionKey, string rowKey, RollupRows.Row row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var key = (partitionKey, rowKey);
        lock (gate)
        {
            if (entries.Remove(key, out var old))
            {
                recency.Remove(old);
            }

            if (!row.Exists || row.ETag is null)
            {
                return;
            }

            entries[key] = recency.AddFirst(new Entry(key, row));
            if (entries.Count > capacity)
            {
                var last = recency.Last!;
                recency.RemoveLast();
                entries.Remove(last.Value.Key);
            }
        }
    }

    private sealed record Entry((string Partition, string RowKey) Key, RollupRows.Row Row);
}
