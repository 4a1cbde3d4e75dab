namespace Billing.Storage;

/// <summary>
/// Usage facts in Table Storage, where the key is the dedup (docs/design.md §4.1).
/// <para>Layout: PartitionKey = <c>{payer}|{shard}</c>, shard = stable hash of (source, id) mod <see cref="StorageOptions.FactShards"/>.
/// Each event writes two rows in one entity-group transaction: an identity row <c>k|{source}|{id}</c> (content hash and raw
/// event, the dedup) and a time-ordered row <c>t|{time}|{source}|{id}</c> (the metered values, what queries scan).
/// The day is deliberately not in the partition key, so an id resent with a different time still collides.
/// The same transactions update the partition's rollup rows <c>r|…</c> (docs/design.md §6, <see cref="FactPartitionWriter"/>).</para>
/// <para>When the poster's role may post a type that names its payer (compute usage: the provider posts, the tenant pays; a
/// declared type with a payer field), the payer's partition alone cannot see the same (source, id) sent again for another
/// payer, by that type or another of the role (a carrier's own offload resent as roaming another carrier pays). Such facts
/// (<see cref="UsageFact.ClaimsId"/>, every type of the role, source-paid ones too) first claim their key with a row
/// <c>k|{source}|{id}</c> in the source's own claim partition <c>{source}|claims|{shard}</c> (content hash and raw
/// event); only a claimed fact is written. A claim with the same hash is a redelivery (its fact is written or
/// found to exist); another hash is a conflict, and the first version counts.</para>
/// <para>Bounds (what reaches storage): keys stay within <see cref="TableKey.MaxKeyChars"/> (a (source, id) whose escaped
/// form is too long is keyed by its <see cref="TableKey.Digest"/>; the row keeps both as properties), the raw event is
/// split into properties of at most <see cref="MaxRawChars"/> characters, and a transaction holds at most 100 rows and
/// an estimated <see cref="TransactionBudgetBytes"/> on the wire. A row the service still refuses (a 4xx that is not a
/// conflict) is isolated event by event and reported as <see cref="AppendResult.Unstorable"/>, never retried forever.</para>
/// </summary>
public sealed partial class FactStore(BillingTables tables)
{
    /// <summary>Claims per entity-group transaction (one row each; fact transactions are split by <see cref="FactPartitionWriter"/>).</summary>
    private const int ClaimsPerTransaction = 100;

    /// <summary>Characters per raw-event property: a string property holds 64 KiB of UTF-16 (32K characters).</summary>
    public const int MaxRawChars = 30_000;

    /// <summary>Wire bytes per entity-group transaction, estimated high (see <see cref="WireBytes"/>); the service's limit is 4 MiB.</summary>
    public const int TransactionBudgetBytes = 3 * 1024 * 1024;

    /// <summary>Longest escaped <c>{source}|{id}</c> kept verbatim in a row key: the time row adds 25 characters (<c>t|</c>, 21 digits, <c>|</c>).</summary>
    private const int MaxKeyTailChars = TableKey.MaxKeyChars - 25;

    /// <summary>Longest escaped payer or source kept verbatim in a partition key (which adds at most <c>|claims|NN</c>).</summary>
    public const int MaxPartitionPartChars = TableKey.MaxKeyChars - 32;

    private readonly TableClient table = tables.Facts;
    private readonly int shards = tables.Options.FactShards;
    private readonly int parallelism = tables.Options.MaxParallelWrites;

    /// <summary>Partitions per payer (<see cref="StorageOptions.FactShards"/>).</summary>
    public int Shards => shards;

    /// <summary>The rollup rows these facts' transactions maintain (docs/design.md §6).</summary>
    public Rollups.RollupStore Rollups { get; } = new(tables);

    /// <summary>The months that received facts after the last close that corrects them routinely (metering marks them, closes settle them).</summary>
    public LateUsageStore LateUsage { get; } = new(tables);

    /// <summary>Rollup rows this store last wrote or read, with their ETags: a partition's next batch starts without reading them.</summary>
    private readonly Rollups.RollupRowCache rollupRows = new(Billing.Storage.Rollups.RollupRowCache.DefaultCapacity);

    /// <summary>The event's stable hash (<see cref="FactShard.StableHash"/>; part of the dedup key).</summary>
    public static uint StableHash(string source, string id) => FactShard.StableHash(source, id);

    /// <summary>The shard of (source, id): where its fact lives in the payer's partitions, and its claim in the source's.</summary>
    public int Shard(string source, string id) => FactShard.Of(source, id, shards);

    public string PartitionKey(string payer, string source, string id) => ShardPartitionKey(payer, Shard(source, id));

    private static readonly string[] ShardSuffixes = Enumerable.Range(0, 64).Select(i => "|" + i.ToString("D2", CultureInfo.InvariantCulture)).ToArray();

    /// <summary>The partition of one of a payer's shards (what a scan of the payer reads, shard by shard).</summary>
    public static string ShardPartitionKey(string payer, int shard) => TableKey.Part(payer, MaxPartitionPartChars) + ShardSuffixes[shard];

    /// <summary>Row-key bound of the time-ordered rows at <paramref name="time"/>: scans use <c>[bound(from), bound(to))</c>.</summary>
    public static string TimeRowBound(DateTimeOffset time) => "t|" + TimeKey(time);

    public static string IdentityRowKey(string source, string id) => "k|" + KeyTail(source, id);

    public static string TimeRowKey(DateTimeOffset time, string source, string id) => string.Concat(TimeRowBound(time), "|", KeyTail(source, id));

    /// <summary><c>{source}|{id}</c> escaped, or its digest when that would make a row key too long (one rule for both rows).</summary>
    public static string KeyTail(string source, string id)
    {
        string tail = string.Concat(TableKey.Escape(source), "|", TableKey.Escape(id));
        return tail.Length <= MaxKeyTailChars ? tail : TableKey.Digest(source, id);
    }

    /// <summary>
    /// High estimate of what an event's two rows cost on the wire in a transaction: every character of the raw event
    /// as a six-byte JSON escape, plus a fixed allowance for keys, names and the other (short, bounded) properties.
    /// </summary>
    public static long WireBytes(PendingFact pending) =>
        (6L * (pending.RawEvent.Length + pending.Fact.Readings.Sum(r => r.Meter.Length + 64 + (r.Distinct?.Length ?? 0) + r.Dimensions.Sum(d => d.Key.Length + d.Value.Length + 8)))) + 8192;

    /// <summary><c>yyyyMMddHHmmssfffffff</c> of the UTC instant: sorts like time. Written digit by digit (it runs per event).</summary>
    public static string TimeKey(DateTimeOffset time) => string.Create(21, time.UtcDateTime, static (span, t) =>
    {
        static void Put(Span<char> span, int at, int digits, long value)
        {
            for (int i = at + digits - 1; i >= at; i--)
            {
                span[i] = (char)('0' + (value % 10));
                value /= 10;
            }
        }

        Put(span, 0, 4, t.Year);
        Put(span, 4, 2, t.Month);
        Put(span, 6, 2, t.Day);
        Put(span, 8, 2, t.Hour);
        Put(span, 10, 2, t.Minute);
        Put(span, 12, 2, t.Second);
        Put(span, 14, 7, t.Ticks % TimeSpan.TicksPerSecond);
    });

    /// <summary>
    /// Writes facts exactly once. Redelivered events (same id, same content) count as duplicates; an id reused with
    /// different content is a conflict for the caller to quarantine. Safe to call again with the same input after a crash.
    /// </summary>
    public async Task<AppendResult> AppendAsync(IReadOnlyList<PendingFact> facts, CancellationToken cancellationToken)
    {
        var conflicts = new ConcurrentBag<FactConflict>();
        var unstorable = new ConcurrentBag<UnstorableFact>();
        var overLimit = new ConcurrentBag<UnstorableFact>();
        int duplicates = 0;

        // Same key twice in one batch: keep the first, classify the rest without another round trip.
        var unique = new Dictionary<(string, string), PendingFact>(facts.Count);
        var later = new List<(PendingFact Pending, PendingFact First)>();
        foreach (var pending in facts)
        {
            var key = (pending.Fact.Source, pending.Fact.Id);
            if (!unique.TryGetValue(key, out var first))
            {
                unique[key] = pending;
            }
            else if (first.Fact.ContentHash == pending.Fact.ContentHash)
            {
                duplicates++;
            }
            else
            {
                later.Add((pending, first)); // a conflict with whichever version ends up stored: known after the writes
            }
        }

        int transactions = 0;
        var windows = new ClaimLog();
        var toWrite = unique.Values.Where(p => !NeedsClaim(p.Fact)).ToList();
        var crossPayer = unique.Values.Where(p => NeedsClaim(p.Fact)).ToList();
        if (crossPayer.Count > 0)
        {
            var (claimed, claimTransactions) = await ClaimAsync(crossPayer, conflicts, unstorable, cancellationToken).ConfigureAwait(false);
            toWrite.AddRange(claimed);
            transactions += claimTransactions;
        }

        // After the id claims (a version that lost its id never claims a window), before the facts (ClaimWindowsAsync).
        toWrite = await ClaimWindowsAsync(facts, toWrite, windows, conflicts, cancellationToken).ConfigureAwait(false);

        // One writer per partition: its transactions run in order, so they never race each other on the partition's rollup rows.
        var partitions = toWrite.GroupBy(p => PartitionKey(p.Fact.Payer, p.Fact.Source, p.Fact.Id)).ToList();
        int inserted = 0;
        await Parallel.ForEachAsync(partitions, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (partition, ct) =>
        {
            var writer = new FactPartitionWriter(table, partition.Key, conflicts, unstorable, rollupRows) { OverLimit = overLimit, Shards = shards };
            var (ins, dup, tx) = await writer.WriteAsync([.. partition], ct).ConfigureAwait(false);
            Interlocked.Add(ref inserted, ins);
            Interlocked.Add(ref duplicates, dup);
            Interlocked.Add(ref transactions, tx);
        }).ConfigureAwait(false);

        if (later.Count > 0)
        {
            // The stored version counts: when the batch's first version lost to an earlier one, later versions are compared with that.
            var lost = conflicts.ToDictionary(c => c.Incoming);
            foreach (var (pending, first) in later)
            {
                var (raw, hash) = lost.TryGetValue(first, out var c) ? (c.ExistingRawEvent, c.ExistingHash) : (first.RawEvent, first.Fact.ContentHash);
                if (hash == pending.Fact.ContentHash)
                {
                    duplicates++;
                }
                else
                {
                    conflicts.Add(new FactConflict(pending, raw, hash));
                }
            }
        }

        await SettleWindowsAsync(windows, [.. conflicts], unstorable.Select(u => u.Fact).Concat(overLimit.Select(u => u.Fact)), cancellationToken).ConfigureAwait(false);
        return new AppendResult(inserted, duplicates + windows.Duplicates, conflicts.ToList(), transactions + windows.Transactions)
        {
            Unstorable = [.. unstorable, .. windows.Unreadable], OverLimit = overLimit.ToList(), Overlaps = windows.Overlaps.ToList(), ClaimNotices = windows.Notices.ToList(),
            ClaimReleaseFailures = windows.ReleaseFailures.ToList(),
        };
    }

    /// <summary>The partition holding the claims of one of a source's shards (see the class remarks).</summary>
    public static string ClaimPartitionKey(string source, int shard) => TableKey.Part(source, MaxPartitionPartChars) + "|claims" + ShardSuffixes[shard];

    /// <summary>Whether another fact of the source could name another payer with the same id (see the class remarks).</summary>
    private static bool NeedsClaim(UsageFact fact) => fact.ClaimsId || fact.Payer != fact.Source;

    /// <summary>Claims (source, id) for facts that need it (<see cref="NeedsClaim"/>); returns the facts that may be written.</summary>
    private async Task<(List<PendingFact> Claimed, int Transactions)> ClaimAsync(
        List<PendingFact> facts, ConcurrentBag<FactConflict> conflicts, ConcurrentBag<UnstorableFact> unstorable, CancellationToken cancellationToken)
    {
        var claimed = new ConcurrentBag<PendingFact>();
        int transactions = 0;
        var chunks = facts
            .GroupBy(p => ClaimPartitionKey(p.Fact.Source, Shard(p.Fact.Source, p.Fact.Id)))
            .SelectMany(g => Transactions(g, ClaimsPerTransaction).Select(chunk => (PartitionKey: g.Key, Facts: chunk)))
            .ToList();
        await Parallel.ForEachAsync(chunks, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken }, async (chunk, ct) =>
        {
            Interlocked.Increment(ref transactions);
            try
            {
                var actions = chunk.Facts.Select(p => new TableTransactionAction(TableTransactionActionType.Add, FactRowCodec.IdentityEntity(chunk.PartitionKey, p))).ToList();
                await table.SubmitTransactionAsync(actions, ct).ConfigureAwait(false);
                foreach (var p in chunk.Facts)
                {
                    claimed.Add(p);
                }

                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 409 || StorageFailure.IsDeterministic(ex))
            {
                // Some keys are claimed already, or a row was refused: sort them out one at a time.
            }

            foreach (var p in chunk.Facts)
            {
                Interlocked.Increment(ref transactions);
                try
                {
                    await table.AddEntityAsync(FactRowCodec.IdentityEntity(chunk.PartitionKey, p), ct).ConfigureAwait(false);
                    claimed.Add(p);
                    continue;
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                }
                catch (RequestFailedException ex) when (StorageFailure.IsDeterministic(ex))
                {
                    unstorable.Add(new UnstorableFact(p, StorageFailure.Describe(ex)));
                    continue;
                }

                if (await HasSameContentAsync(chunk.PartitionKey, p, conflicts, ct).ConfigureAwait(false))
                {
                    claimed.Add(p); // a redelivery, perhaps after a crash between claim and fact: the fact write sorts it out
                }
            }
        }).ConfigureAwait(false);

        return ([.. claimed], transactions);
    }

    /// <summary>
    /// After an insert of <paramref name="pending"/>'s identity (or claim) row failed with 409: true when the row there
    /// holds the same content (a redelivery); otherwise the conflict is recorded with the first version's raw event.
    /// </summary>
    private async Task<bool> HasSameContentAsync(string partitionKey, PendingFact pending, ConcurrentBag<FactConflict> conflicts, CancellationToken cancellationToken) =>
        IsRedelivery(pending, await ReadIdentityAsync(table, partitionKey, pending, cancellationToken).ConfigureAwait(false), conflicts);

    /// <summary>
    /// True when the identity row <paramref name="stored"/> holds <paramref name="pending"/>'s content (a redelivery);
    /// otherwise the conflict is recorded with the stored version's raw event (none when there is no row).
    /// </summary>
    internal static bool IsRedelivery(PendingFact pending, TableEntity? stored, ConcurrentBag<FactConflict> conflicts)
    {
        string storedHash = stored is null ? "" : EntityText.Of(stored, "Hash") ?? ""; // a planted non-text hash: a conflict, not an exception
        if (storedHash == pending.Fact.ContentHash)
        {
            return true;
        }

        conflicts.Add(new FactConflict(pending, stored is null ? null : FactRowCodec.ReadRaw(stored), storedHash));
        return false;
    }

    /// <summary>The identity (or claim) row of <paramref name="pending"/> in <paramref name="partitionKey"/>, or null.</summary>
    internal static async Task<TableEntity?> ReadIdentityAsync(TableClient table, string partitionKey, PendingFact pending, CancellationToken cancellationToken)
    {
        var existing = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, IdentityRowKey(pending.Fact.Source, pending.Fact.Id),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return existing.HasValue ? existing.Value : null;
    }

    /// <summary>
    /// Facts of one payer with <c>from &lt;= time &lt; to</c>, shard by shard in parallel; order across shards is not defined.
    /// Streams page by page, so memory stays bounded whatever the number of facts. The first shard that fails (e.g. an
    /// unreadable row: <see cref="InvalidDataException"/>) stops the others and its exception, as thrown, ends the stream.
    /// </summary>
    public async IAsyncEnumerable<UsageFact> QueryAsync(string payer, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = System.Threading.Channels.Channel.CreateBounded<UsageFact>(new System.Threading.Channels.BoundedChannelOptions(4096) { SingleReader = true });
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Exception? firstFailure = null;
        var producers = Enumerable.Range(0, shards).Select(shard => Task.Run(async () =>
        {
            try
            {
                await foreach (var fact in QueryShardAsync(payer, shard, from, to, linked.Token).ConfigureAwait(false))
                {
                    await channel.Writer.WriteAsync(fact, linked.Token).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !linked.IsCancellationRequested)
            {
                // The cause, not the cancellations it leads to in the other shards, nor an AggregateException of several.
                Interlocked.CompareExchange(ref firstFailure, ex, null);
                await linked.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }, linked.Token)).ToArray();

        var completion = Task.WhenAll(producers).ContinueWith(t => channel.Writer.TryComplete(Volatile.Read(ref firstFailure) ?? t.Exception?.GetBaseException()), TaskScheduler.Default);
        try
        {
            await foreach (var fact in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return fact;
            }
        }
        finally
        {
            await linked.CancelAsync().ConfigureAwait(false);
            await completion.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Facts of one of the payer's shards with <c>from &lt;= time &lt; to</c>, in time order (what a rollup reader falls back to).
    /// A row this platform did not write throws <see cref="InvalidDataException"/> naming it: a fact that cannot be read is
    /// never summed as if it were absent.
    /// </summary>
    public async IAsyncEnumerable<UsageFact> QueryShardAsync(string payer, int shard, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in ScanShardAsync(payer, shard, from, to, cancellationToken).ConfigureAwait(false))
        {
            yield return row.Fact ?? throw row.Unreadable!;
        }
    }

    /// <summary>Whether one of the payer's shards holds a fact with <c>from &lt;= time &lt; to</c> (reads one key at most).</summary>
    public async Task<bool> AnyInShardAsync(string payer, int shard, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        string pk = ShardPartitionKey(payer, shard);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {TimeRowBound(from)} and RowKey lt {TimeRowBound(to)}");
        await foreach (var _ in table.QueryAsync<TableEntity>(filter, maxPerPage: 1, select: ["RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            return true;
        }

        return false;
    }

    /// <summary>
    /// The time rows of one of the payer's shards with <c>from &lt;= time &lt; to</c>, in time order, each with its fact
    /// or why it cannot be read (<see cref="FactRowRead"/>): for callers that report unreadable rows and go on.
    /// </summary>
    public async IAsyncEnumerable<FactRowRead> ScanShardAsync(string payer, int shard, DateTimeOffset from, DateTimeOffset to, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string pk = ShardPartitionKey(payer, shard);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {TimeRowBound(from)} and RowKey lt {TimeRowBound(to)}");
        await foreach (var e in table.QueryAsync<TableEntity>(filter, maxPerPage: 1000, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            yield return Read(e);
        }
    }

    private static FactRowRead Read(TableEntity row)
    {
        try
        {
            return new FactRowRead(row.RowKey, FactRowCodec.ToFact(row), null);
        }
        catch (InvalidDataException ex)
        {
            return new FactRowRead(row.RowKey, null, ex);
        }
    }
}
