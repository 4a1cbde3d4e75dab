using System.Threading.Channels;

namespace Billing.Benchmarks.Workload;

/// <summary>What <see cref="FactDataSet.InsertAsync"/> wrote: facts, their byte sum (the check every reader must match), time taken.</summary>
public sealed record FactDataSet(string Payer, int Requested, int Facts, long Bytes, TimeSpan Elapsed)
{
    public bool BudgetReached => Facts < Requested;

    public double FactsPerSecond => Facts / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>
    /// Carrier offload facts of one payer spread over <paramref name="period"/>, written with raw 100-row transactions in
    /// FactStore's real layout (partition <c>{payer}|{shard}</c>, time-ordered row key, the same properties), time rows
    /// only: no reader of a month needs the identity rows, and the rollups are built afterwards with the product's
    /// rebuild. 8 writers, until <paramref name="count"/> facts or the time budget (Azurite's in-memory inserts slow down
    /// as the table grows). The same seed gives the same facts, so data sets of different sizes have the same shape.
    /// </summary>
    public static async Task<FactDataSet> InsertAsync(
        TableClient table, FactStore keys, string payer, int count, TimeSpan budget, BillingPeriod period, Action<string> log, CancellationToken ct)
    {
        var channel = Channel.CreateBounded<List<TableTransactionAction>>(new BoundedChannelOptions(32) { SingleWriter = true });
        long written = 0;
        var progress = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            await foreach (var batch in channel.Reader.ReadAllAsync(ct))
            {
                await table.SubmitTransactionAsync(batch, ct);
                long done = Interlocked.Add(ref written, batch.Count);
                if (done % 100_000 < batch.Count)
                {
                    log($"insert {payer}: {Fmt.Int(done)}/{Fmt.Int(count)} facts ({Fmt.Seconds(progress.Elapsed)})");
                }
            }
        }, ct)).ToArray();

        var random = new Random(13);
        var usage = new SampleUsage(seed: 17);
        var buffers = new Dictionary<string, List<TableTransactionAction>>();
        long periodTicks = period.End.UtcTicks - period.Start.UtcTicks;
        long totalBytes = 0;
        int generated = 0;
        try
        {
            for (int i = 0; i < count; i++)
            {
                if (i % 10_000 == 0 && progress.Elapsed > budget)
                {
                    log($"insert {payer}: budget of {budget.TotalSeconds:0} s reached at {Fmt.Int(i)} facts");
                    break;
                }

                generated++;
                string id = "sess-" + i.ToString("D9", CultureInfo.InvariantCulture);
                var time = new DateTimeOffset(period.Start.UtcTicks + random.NextInt64(periodTicks), TimeSpan.Zero);
                time = new DateTimeOffset(time.Ticks - (time.Ticks % TimeSpan.TicksPerSecond), TimeSpan.Zero); // RFC 3339 seconds, as events carry
                long bytes = random.NextInt64(1_000, 500_000_000);
                totalBytes += bytes;
                string pk = keys.PartitionKey(payer, payer, id);
                var entity = new TableEntity(pk, FactStore.TimeRowKey(time, payer, id))
                {
                    ["Source"] = payer,
                    ["EventId"] = id,
                    ["Payer"] = payer,
                    ["Type"] = EventTypes.CarrierOffloadV1,
                    ["Time"] = time,
                    ["Hash"] = Convert.ToHexStringLower(System.IO.Hashing.XxHash128.Hash(BitConverter.GetBytes(i))),
                    ["Hotspot"] = usage.Hotspot(random.Next()),
                    ["Rat"] = "wlan",
                    ["Bytes"] = bytes,
                };
                if (!buffers.TryGetValue(pk, out var buffer))
                {
                    buffers[pk] = buffer = new List<TableTransactionAction>(100);
                }

                buffer.Add(new TableTransactionAction(TableTransactionActionType.Add, entity));
                if (buffer.Count == 100)
                {
                    await channel.Writer.WriteAsync(buffer, ct);
                    buffers[pk] = new List<TableTransactionAction>(100);
                }
            }

            foreach (var rest in buffers.Values.Where(b => b.Count > 0))
            {
                await channel.Writer.WriteAsync(rest, ct);
            }
        }
        finally
        {
            channel.Writer.TryComplete();
        }

        await Task.WhenAll(writers);
        return new FactDataSet(payer, count, generated, totalBytes, progress.Elapsed);
    }
}
