namespace Billing.Application.Tests.Rollups;

/// <summary>
/// The rollup invariant (docs/design.md §6) under random streams against Azurite: duplicates in a batch, redeliveries,
/// conflicting resends, late events (up to 35 days old, across a month boundary), two writers on the same partitions at
/// once, and a crash before or after any storage request followed by a redelivery. Afterwards every bucket equals a
/// recomputation from the facts, the rollup read of each window equals the fact scan and the model, and a declared
/// UNIQUE_COUNT meter's month counts equal the model's distinct values (docs/design.md §6.1).
/// </summary>
public class RollupPropertyTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 10, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly string[] Hotspots = ["hs-a", "hs-b", "hs-c", "hs|d;=%"];
    private static readonly string[] Providers = ["provider-nodeops", "provider-other"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task AppendAsync_RandomStreamsWithDuplicatesConflictsLateEventsConcurrencyAndCrashes_RollupsEqualFacts(int seed)
    {
        var real = await azurite.NewTablesAsync(shards: 3);
        var random = new Random(seed);
        var pool = Enumerable.Range(0, 160).Select(i => Event(random, i, version: 0)).ToList();
        var model = new Dictionary<(string, string), UsageFact>(); // the version that counts: the first one stored
        int crashes = 0;

        for (int round = 0; round < 24; round++)
        {
            var batch = Enumerable.Range(0, random.Next(1, 60)).Select(_ => pool[random.Next(pool.Count)]).ToList();
            batch.AddRange(batch.Take(random.Next(0, 5)).ToList()); // duplicates inside the batch
            if (round % 6 != 5 && random.Next(3) == 0)
            {
                int resent = random.Next(pool.Count); // a conflicting resend: same id, other content
                batch.Insert(random.Next(batch.Count), Event(random, resent, version: round + 1));
            }

            if (round % 6 == 5)
            {
                // Two writers at once on the same partitions, same content (each partition's rollup rows raced under ETags).
                var other = batch.Where(p => model.ContainsKey((p.Fact.Source, p.Fact.Id)) || random.Next(2) == 0).ToList();
                batch = batch.Where(p => !IsResend(p, model)).ToList();
                other = other.Where(p => !IsResend(p, model)).ToList();
                await Task.WhenAll(
                    new FactStore(real).AppendAsync(batch, CancellationToken.None),
                    new FactStore(real).AppendAsync(other, CancellationToken.None));
                Remember(model, batch.Concat(other));
                continue;
            }

            if (random.Next(2) == 0)
            {
                // Crash before or after some request of the first delivery; the host then redelivers the batch.
                var (tables, crash) = CrashingTables.Create(azurite.ConnectionString, real, crashAt: random.Next(1, 30), afterSuccess: random.Next(2) == 0);
                try
                {
                    await new FactStore(tables).AppendAsync(batch, CancellationToken.None);
                }
                catch (OperationCanceledException) when (crash.Crashed)
                {
                    crashes++;
                }
            }

            var result = await new FactStore(real).AppendAsync(batch, CancellationToken.None);
            Assert.Empty(result.Unstorable);
            Remember(model, batch);
        }

        Assert.True(crashes > 0, "the stream must include crashes");
        var maintenance = new RollupMaintenance(new FactStore(real), TimeProvider.System);
        var reader = new UsageReader(new FactStore(real));
        var cells = new MeterDefinition("mapping.unique_cells", Aggregation.UniqueCount, "depin.mapping.coverage.v1", []);
        foreach (var month in new[] { new BillingPeriod(2026, 9), new BillingPeriod(2026, 10) })
        {
            Assert.True((await maintenance.VerifyAsync("tenant-map", month, CancellationToken.None)).Ok);
            foreach (string? source in new[] { null, Providers[0] })
            {
                var distinct = model.Values.Where(f => f.Payer == "tenant-map" && f.Time >= month.Start && f.Time < month.End && (source is null || f.Source == source))
                    .Select(f => f.Reading(cells.Name)!.Distinct).Distinct().Count();
                var rows = await reader.ReadAsync("tenant-map", cells, UsageWindow.Month, month.Start, month.End, [], source, CancellationToken.None);
                Assert.Equal(distinct, (int)rows.Sum(r => (long)r.Quantity));
            }
        }

        foreach (var payer in new[] { "carrier-tmo", "tenant-lab" })
        {
            foreach (var month in new[] { new BillingPeriod(2026, 9), new BillingPeriod(2026, 10) })
            {
                var verification = await maintenance.VerifyAsync(payer, month, CancellationToken.None);
                Assert.True(verification.Ok, string.Join("\n", verification.Differences));
            }

            var meter = payer == "carrier-tmo" ? Meters.OffloadBytesMeter : Meters.ComputeGpuSecondsMeter;
            var expected = model.Values.Where(f => f.Payer == payer).Aggregate(Int128.Zero, (s, f) => s + f.Quantity(meter.Name)!.Value);
            foreach (var window in new[] { UsageWindow.Hour, UsageWindow.Day, UsageWindow.Month })
            {
                string[] groupBy = payer == "carrier-tmo" ? [Meters.Hotspot] : [Meters.GpuModel, Meters.Provider];
                var from = new DateTimeOffset(2026, 8, 27, 7, 30, 0, TimeSpan.Zero);
                var to = Now.AddDays(2);
                var fromRollups = await reader.ReadAsync(payer, meter, window, from, to, groupBy, null, CancellationToken.None);
                Assert.Equal(Text(await reader.FromFactsAsync(payer, meter, window, from, to, groupBy, null, CancellationToken.None)), Text(fromRollups));
                Assert.Equal(expected, fromRollups.Aggregate(Int128.Zero, (s, r) => s + r.Quantity));
            }
        }
    }

    private static bool IsResend(PendingFact p, Dictionary<(string, string), UsageFact> model) =>
        model.TryGetValue((p.Fact.Source, p.Fact.Id), out var f) && f.ContentHash != p.Fact.ContentHash;

    private static void Remember(Dictionary<(string, string), UsageFact> model, IEnumerable<PendingFact> batch)
    {
        foreach (var p in batch)
        {
            model.TryAdd((p.Fact.Source, p.Fact.Id), p.Fact); // in a batch, the first version is the one stored
        }
    }

    internal static string Text(IReadOnlyList<UsageRow> rows) =>
        string.Join("\n", rows.Select(r => $"{r.WindowStart:O} {string.Join(",", r.Group.OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key + "=" + g.Value))} {r.Quantity}"));

    /// <summary>Event <paramref name="i"/> of the pool; another <paramref name="version"/> is a conflicting resend (other quantity, time, cell).</summary>
    private static PendingFact Event(Random random, int i, int version)
    {
        // Mostly the last hours; one in eight up to 35 days late (into September).
        var time = random.Next(8) == 0 ? Now.AddMinutes(-random.Next(35 * 24 * 60)) : Now.AddMinutes(-random.Next(6 * 60));
        time = time.AddTicks(random.Next(1_000_000) + version);
        string id = "e-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (i % 5 == 2)
        {
            // A declared UNIQUE_COUNT meter: twelve cells over all events, a resend carries another cell (§6.1).
            return UniqueCountRollupTests.Mapping(id, time, "8928308280" + ((i + version) % 12).ToString("D5", System.Globalization.CultureInfo.InvariantCulture), Providers[i % 2], version);
        }

        UsageFact fact = i % 3 == 0
            ? new UsageFact
            {
                Source = Providers[i % 2], Id = id, Payer = "tenant-lab", Type = EventTypes.ComputeUsageV1, Time = time,
                ContentHash = $"{id}|{version}", GpuModel = i % 2 == 0 ? "H100" : "A100", Lease = "lease-" + (i % 7), Provider = Providers[i % 2],
                GpuSeconds = 3600 + (version * 7) + i,
            }
            : new UsageFact
            {
                Source = "carrier-tmo", Id = id, Payer = "carrier-tmo", Type = EventTypes.CarrierOffloadV1, Time = time,
                ContentHash = $"{id}|{version}", Hotspot = Hotspots[i % Hotspots.Length], Rat = i % 2 == 0 ? "wlan" : "nr",
                Bytes = (long.MaxValue / 4) + i + version, // sums pass 2^63: 128-bit all the way
            };
        return new PendingFact(fact, $"{{\"id\":\"{id}\",\"v\":{version}}}");
    }
}
