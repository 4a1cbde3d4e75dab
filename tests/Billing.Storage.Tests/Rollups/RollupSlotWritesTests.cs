using System.Text;
using System.Text.Json;
using static Billing.Storage.Tests.Rollups.HandWrittenRollupRows;
using static Billing.Tests.Shared.SampleFacts;

namespace Billing.Storage.Tests.Rollups;

/// <summary>
/// What metering's transactions write into rollup rows of the slot layout (docs/design.md §6): only the slots whose
/// groups changed, rows of the earlier layout or of another number of slots rewritten whole, and the earlier layout
/// again for groups that collide past a property's size; every fact counted once whichever way a row was written.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class RollupSlotWritesTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Hour = new(2026, 10, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AppendAsync_FactAddingToOneGroup_SendsAndChangesOnlyThatGroupsSlot(bool sameWriter)
    {
        var bodies = new BatchBodies();
        var options = new TableClientOptions();
        options.AddPolicy(bodies, HttpPipelinePosition.PerRetry);
        var tables = await azurite.NewTablesAsync(shards: 1, options);
        var first = Enumerable.Range(0, 120).Select(i => Carrier($"a-{i}", 100 + i, Hour.AddSeconds(i), hotspot: $"hs-{i % 80:D3}")).ToList();
        var store = new FactStore(tables);
        await store.AppendAsync(first, Ct);
        string pk = store.PartitionKey("carrier-tmo", "carrier-tmo", "a-0");
        var before = await RowsAsync(tables, pk);
        Assert.True(before.Values.Count(r => r.GetString("Detail") == nameof(RollupDetail.Fine) && r.Keys.Count(IsSlot) > 40) == 2, "the test needs fine hour and day rows of many slots");
        bodies.Clear();

        var one = Carrier("b-1", 5, Hour.AddMinutes(30), hotspot: "hs-007"); // a group the rows hold already
        var result = await (sameWriter ? store : new FactStore(tables)).AppendAsync([one], Ct); // the rows as committed, or as read back

        Assert.Equal(1, result.Inserted);
        string hs007 = "G" + Slot(new RollupKey(Meters.OffloadBytes, "carrier-tmo", ["hs-007", "wlan"]), RollupSlots.Count);
        string month = "G" + Slot(new RollupKey(Meters.OffloadBytes, "carrier-tmo", ["", "wlan"]), RollupSlots.Count);
        var sent = bodies.Operations().Where(o => o.RowKey.StartsWith(RollupCodec.RowPrefix, StringComparison.Ordinal)).ToList();
        Assert.Equal(3, sent.Count);
        Assert.All(sent, o => Assert.Equal("PATCH", o.Method)); // merges, guarded by the rows' ETags
        Assert.All(sent, o => Assert.DoesNotContain(o.Properties, p => p is "Start" or "S0"));
        Assert.Equal([hs007, hs007, month], sent.OrderBy(o => o.RowKey, StringComparer.Ordinal).Select(o => string.Join(',', o.Properties.Where(IsSlot)))); // day, hour, month

        var after = await RowsAsync(tables, pk);
        foreach (var (key, row) in after.Where(r => !r.Key.StartsWith("r|m|", StringComparison.Ordinal)))
        {
            Assert.Equal(before[key].Keys.Order(StringComparer.Ordinal), row.Keys.Order(StringComparer.Ordinal));
            Assert.Equal([hs007], row.Keys.Where(k => IsSlot(k) && !Equals(row[k], before[key][k])));
        }

        await AssertRowsCountAsync(tables, pk, first.Append(one));
    }

    [Fact]
    public async Task AppendAsync_RowsOfTheEarlierLayout_RewrittenWithSlotsCountingEveryFact()
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        var first = Enumerable.Range(0, 180).Select(i => Carrier($"e-{i}", 100 + i, Hour.AddSeconds(i * 10), hotspot: $"hs-{i:D4}-" + new string('x', 100))).ToList();
        await new FactStore(tables).AppendAsync(first, Ct);
        string pk = new FactStore(tables).PartitionKey("carrier-tmo", "carrier-tmo", "e-0");
        await RewriteRowsAsync(tables, pk, bucket => EarlierLayout(pk, bucket)); // as the codec before 2026-12 left them
        Assert.Equal(["S0", "S1"], GroupProperties((await RowsAsync(tables, pk))[RollupCodec.RowKey(UsageWindow.Hour, Hour)]));

        var second = first.Take(30).Select((p, i) => Carrier($"e2-{i}", 7 + i, p.Fact.Time.AddSeconds(1), hotspot: p.Fact.Hotspot!)).ToList();
        var result = await new FactStore(tables).AppendAsync(second, Ct);

        Assert.Equal(30, result.Inserted);
        foreach (var row in (await RowsAsync(tables, pk)).Values)
        {
            Assert.Equal(RollupSlots.Count, row["S0"]);
            Assert.DoesNotContain("S1", row.Keys); // replaced, not merged: no chunk of the earlier text is left
        }

        await AssertRowsCountAsync(tables, pk, first.Concat(second));
    }

    [Fact]
    public async Task AppendAsync_RowsWithAnotherNumberOfSlots_RewrittenWithTheCodecsCountingEveryFact()
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        var first = Enumerable.Range(0, 100).Select(i => Carrier($"n-{i}", 100 + i, Hour.AddSeconds(i * 10), hotspot: $"hs-{i % 70:D3}")).ToList();
        await new FactStore(tables).AppendAsync(first, Ct);
        string pk = new FactStore(tables).PartitionKey("carrier-tmo", "carrier-tmo", "n-0");
        await RewriteRowsAsync(tables, pk, bucket => Slots(pk, bucket, 7)); // every group in another slot than the codec's

        var second = first.Take(40).Select((p, i) => Carrier($"n2-{i}", 3 + i, p.Fact.Time.AddSeconds(1), hotspot: p.Fact.Hotspot!)).ToList();
        await new FactStore(tables).AppendAsync(second, Ct);

        Assert.All((await RowsAsync(tables, pk)).Values, row => Assert.Equal(RollupSlots.Count, row["S0"]));
        await AssertRowsCountAsync(tables, pk, first.Concat(second)); // a group moved to its new slot is neither lost nor left behind in its old one
    }

    [Fact]
    public async Task AppendAsync_GroupsCollidingPastASlotsSize_RowTurnsToTheEarlierLayoutAndCountsEveryFact()
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        var store = new FactStore(tables);
        var hotspots = RollupSlotsTests.CollidingHotspots(60);
        PendingFact Session(string id, int hotspot) => Carrier(id, 50 + hotspot, Hour.AddSeconds(hotspot * 7), hotspot: hotspots[hotspot]);
        var first = Enumerable.Range(0, 40).Select(i => Session($"c-{i}", i)).ToList();
        await store.AppendAsync(first, Ct);
        string pk = store.PartitionKey("carrier-tmo", "carrier-tmo", "c-0");
        string hour = RollupCodec.RowKey(UsageWindow.Hour, Hour);
        Assert.Equal(["G0", "S0"], GroupProperties((await RowsAsync(tables, pk))[hour])); // about 24,000 characters: one slot still holds them

        var second = Enumerable.Range(40, 20).Select(i => Session($"c-{i}", i)).ToList();
        await store.AppendAsync(second, Ct);
        Assert.Equal(["S0", "S1"], GroupProperties((await RowsAsync(tables, pk))[hour])); // about 36,000: the earlier layout, replaced
        await AssertRowsCountAsync(tables, pk, first.Concat(second));

        var third = Enumerable.Range(0, 10).Select(i => Session($"c3-{i}", i)).ToList();
        await new FactStore(tables).AppendAsync(third, Ct);
        await AssertRowsCountAsync(tables, pk, first.Concat(second).Concat(third));
    }

    [Fact]
    public async Task AppendAsync_TwoWritersTakingTurns_FineRowsCountEveryFact()
    {
        // Each writer's cached rows go stale at the other's write: its merge of a few slots is refused (412), it reads again.
        var tables = await azurite.NewTablesAsync(shards: 1);
        FactStore[] writers = [new(tables), new(tables)];
        var all = new List<PendingFact>();
        for (int round = 0; round < 6; round++)
        {
            var batch = Enumerable.Range(0, 25).Select(i => Carrier($"t{round}-{i}", 10 + i + round, Hour.AddSeconds((round * 100) + i), hotspot: $"hs-{(i * 7 + round) % 90:D3}")).ToList();
            Assert.Equal(25, (await writers[round % 2].AppendAsync(batch, Ct)).Inserted);
            all.AddRange(batch);
        }

        string pk = writers[0].PartitionKey("carrier-tmo", "carrier-tmo", "t0-0");
        await AssertRowsCountAsync(tables, pk, all);
    }

    /// <summary>The partition's hour, day and month rows of <see cref="Hour"/>, by row key.</summary>
    private static async Task<Dictionary<string, TableEntity>> RowsAsync(BillingTables tables, string pk)
    {
        var rows = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        foreach (var (_, _, key) in RollupCodec.Rows(Hour))
        {
            rows[key] = (await tables.Facts.GetEntityAsync<TableEntity>(pk, key, cancellationToken: Ct)).Value;
        }

        return rows;
    }

    /// <summary>Replaces the partition's rows of <see cref="Hour"/> with <paramref name="write"/> of their buckets, as another codec would have written them.</summary>
    private static async Task RewriteRowsAsync(BillingTables tables, string pk, Func<RollupBucket, TableEntity> write)
    {
        foreach (var row in (await RowsAsync(tables, pk)).Values)
        {
            await tables.Facts.UpdateEntityAsync(write(RollupCodec.FromEntity(row)), row.ETag, TableUpdateMode.Replace, Ct);
        }
    }

    /// <summary>Each of the partition's rows of <see cref="Hour"/> reads back as exactly the sums of <paramref name="facts"/>, at its detail.</summary>
    private static async Task AssertRowsCountAsync(BillingTables tables, string pk, IEnumerable<PendingFact> facts)
    {
        foreach (var (grain, start, key) in RollupCodec.Rows(Hour))
        {
            var stored = RollupCodec.FromEntity((await tables.Facts.GetEntityAsync<TableEntity>(pk, key, cancellationToken: Ct)).Value);
            var expected = RollupBucket.Empty(grain, start);
            foreach (var p in facts)
            {
                expected.Add(p.Fact);
            }

            Assert.NotEqual(RollupDetail.Overflow, stored.Detail);
            if (stored.Detail == RollupDetail.Coarse)
            {
                expected.Coarsen();
            }

            Assert.True(stored.SameSums(expected), $"{key} differs from the facts");
        }
    }

    /// <summary>The bodies of the entity-group transactions a client sends.</summary>
    private sealed class BatchBodies : HttpPipelineSynchronousPolicy
    {
        private readonly List<string> bodies = [];

        public void Clear()
        {
            lock (bodies)
            {
                bodies.Clear();
            }
        }

        public override void OnSendingRequest(HttpMessage message)
        {
            if (message.Request.Method == RequestMethod.Post && message.Request.Uri.Path.EndsWith("$batch", StringComparison.Ordinal))
            {
                using var body = new MemoryStream();
                message.Request.Content!.WriteTo(body, CancellationToken.None);
                lock (bodies)
                {
                    bodies.Add(Encoding.UTF8.GetString(body.ToArray()));
                }
            }
        }

        /// <summary>Every operation sent: its method, row key and the names of the properties its entity carries.</summary>
        public List<(string Method, string RowKey, string[] Properties)> Operations()
        {
            lock (bodies)
            {
                var operations = new List<(string, string, string[])>();
                foreach (var body in bodies)
                {
                    string? method = null;
                    foreach (var line in body.Split("\r\n"))
                    {
                        if (line.Split(' ') is [var verb and ("POST" or "PUT" or "PATCH" or "MERGE" or "DELETE"), var url, ..] && url.StartsWith("http", StringComparison.Ordinal))
                        {
                            method = verb;
                        }
                        else if (method is not null && line.StartsWith('{'))
                        {
                            using var json = JsonDocument.Parse(line);
                            var names = json.RootElement.EnumerateObject().Select(p => p.Name).Where(n => !n.Contains('@', StringComparison.Ordinal) && n is not ("PartitionKey" or "RowKey")).ToArray();
                            operations.Add((method, json.RootElement.GetProperty("RowKey").GetString()!, names));
                            method = null;
                        }
                    }
                }

                return operations;
            }
        }
    }
}
