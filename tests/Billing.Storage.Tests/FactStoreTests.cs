using Billing.Domain.Definitions;
using static Billing.Tests.Shared.SampleFacts;

namespace Billing.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public class FactStoreTests(AzuriteFixture azurite)
{
    private static async Task<(int Count, long Sum)> SumAsync(FactStore store, string payer, Func<UsageFact, long> quantity)
    {
        int count = 0;
        long sum = 0;
        await foreach (var f in store.QueryAsync(payer, Day, Day.AddDays(1), CancellationToken.None))
        {
            count++;
            sum += quantity(f);
        }

        return (count, sum);
    }

    private static Task<(int Count, long Sum)> ComputeTotalsAsync(FactStore store, string tenant) => SumAsync(store, tenant, f => f.GpuSeconds);

    private static Task<(int Count, long Sum)> TotalsAsync(FactStore store, string payer = "carrier-tmo") => SumAsync(store, payer, f => f.Bytes);

    [Fact]
    public async Task AppendAsync_1000EventsWith10PercentDuplicatesRedeliveredTwice_FactsEqualDistinctEvents()
    {
        var store = new FactStore(await azurite.NewTablesAsync());
        var distinct = Enumerable.Range(0, 900).Select(i => Carrier($"sess-{i}", 1000 + i)).ToList();
        var stream = new List<PendingFact>(distinct);
        stream.AddRange(distinct.Take(50)); // duplicates that will land in a later batch
        var random = new Random(7);
        for (int i = 0; i < 50; i++)
        {
            stream.Insert(random.Next(stream.Count), distinct[100 + (i * 7)]); // duplicates anywhere, some in the same batch
        }

        var batches = stream.Chunk(250).ToList();
        int inserted = 0;
        for (int delivery = 0; delivery < 3; delivery++)
        {
            foreach (var batch in batches)
            {
                var result = await store.AppendAsync(batch, CancellationToken.None);
                Assert.Empty(result.Conflicts);
                inserted += result.Inserted;
                Assert.Equal(batch.Length, result.Inserted + result.Duplicates);
            }
        }

        Assert.Equal(1000, stream.Count);
        Assert.Equal(900, inserted);
        Assert.Equal((900, distinct.Sum(f => f.Fact.Bytes)), await TotalsAsync(store));
    }

    [Fact]
    public async Task AppendAsync_CrashAfterWritingBeforeReturning_RedeliveryChangesNothing()
    {
        var store = new FactStore(await azurite.NewTablesAsync());
        var batch = Enumerable.Range(0, 120).Select(i => Carrier($"crash-{i}", 10)).ToArray();

        // The first invocation writes and then "crashes": its result never reaches the host, which redelivers.
        _ = await store.AppendAsync(batch, CancellationToken.None);
        var before = await TotalsAsync(store);
        var redelivered = await store.AppendAsync(batch, CancellationToken.None);

        Assert.Equal((0, 120), (redelivered.Inserted, redelivered.Duplicates));
        Assert.Equal(before, await TotalsAsync(store));
        Assert.Equal((120, 1200L), before);
    }

    [Fact]
    public async Task AppendAsync_PartialOverlapWithEarlierBatch_InsertsOnlyNewEvents()
    {
        var store = new FactStore(await azurite.NewTablesAsync(shards: 1));
        await store.AppendAsync(Enumerable.Range(0, 30).Select(i => Carrier($"p-{i}", 1)).ToArray(), CancellationToken.None);

        var result = await store.AppendAsync(Enumerable.Range(20, 30).Select(i => Carrier($"p-{i}", 1)).ToArray(), CancellationToken.None);

        Assert.Equal((20, 10), (result.Inserted, result.Duplicates));
        Assert.Equal(50, (await TotalsAsync(store)).Count);
    }

    [Fact]
    public async Task AppendAsync_SameIdDifferentContent_IsConflictKeepingTheFirstVersion()
    {
        var store = new FactStore(await azurite.NewTablesAsync());
        var first = Carrier("sess-x", 100);
        var second = Carrier("sess-x", 999, first.Fact.Time);
        await store.AppendAsync([first], CancellationToken.None);

        var result = await store.AppendAsync([second], CancellationToken.None);

        var conflict = Assert.Single(result.Conflicts);
        Assert.Same(second, conflict.Incoming);
        Assert.Equal(first.RawEvent, conflict.ExistingRawEvent);
        Assert.Equal((1, 100L), await TotalsAsync(store));
    }

    [Fact]
    public async Task AppendAsync_SameIdResentWithAnotherTime_IsConflictNotASecondFact()
    {
        var store = new FactStore(await azurite.NewTablesAsync());
        await store.AppendAsync([Carrier("sess-t", 100, Day.AddHours(1))], CancellationToken.None);

        var result = await store.AppendAsync([Carrier("sess-t", 100, Day.AddHours(20))], CancellationToken.None);

        Assert.Single(result.Conflicts);
        Assert.Equal(1, (await TotalsAsync(store)).Count);
    }

    [Fact]
    public async Task AppendAsync_ConflictInsideOneBatch_IsDetectedWithoutStorage()
    {
        var store = new FactStore(await azurite.NewTablesAsync());
        var a = Carrier("same", 1, Day);
        var b = Carrier("same", 2, Day);

        var result = await store.AppendAsync([a, b, a], CancellationToken.None);

        Assert.Equal((1, 1), (result.Inserted, result.Duplicates));
        Assert.Equal(a.RawEvent, Assert.Single(result.Conflicts).ExistingRawEvent);
    }

    [Fact]
    public async Task AppendAsync_SameComputeIdResentForAnotherTenant_IsConflictAndBilledOnce()
    {
        var store = new FactStore(await azurite.NewTablesAsync());
        var first = Compute("lease-1:10h", "tenant-a");
        await store.AppendAsync([first], CancellationToken.None);

        var result = await store.AppendAsync([Compute("lease-1:10h", "tenant-b")], CancellationToken.None);

        Assert.Equal(0, result.Inserted);
        Assert.Equal(first.RawEvent, Assert.Single(result.Conflicts).ExistingRawEvent);
        Assert.Equal((1, 3600L), await ComputeTotalsAsync(store, "tenant-a"));
        Assert.Equal((0, 0L), await ComputeTotalsAsync(store, "tenant-b"));
    }

    [Fact]
    public async Task AppendAsync_ComputeBatchRedeliveredWithATenantSwapInside_CountsEachKeyOnce()
    {
        var store = new FactStore(await azurite.NewTablesAsync());
        var batch = Enumerable.Range(0, 300).Select(i => Compute($"iv-{i}", i % 2 == 0 ? "tenant-a" : "tenant-b", 60 + i)).ToList();
        var first = await store.AppendAsync(batch, CancellationToken.None);
        var swapped = batch.Select((p, i) => i % 10 == 0 ? Compute($"iv-{i}", i % 2 == 0 ? "tenant-b" : "tenant-a", 60 + i) : p).ToList();

        var again = await store.AppendAsync(swapped, CancellationToken.None);

        Assert.Equal((300, 0), (first.Inserted, first.Conflicts.Count));
        Assert.Equal((0, 270, 30), (again.Inserted, again.Duplicates, again.Conflicts.Count));
        var a = await ComputeTotalsAsync(store, "tenant-a");
        var b = await ComputeTotalsAsync(store, "tenant-b");
        Assert.Equal(300, a.Count + b.Count);
        Assert.Equal(Enumerable.Range(0, 300).Where(i => i % 2 == 0).Sum(i => 60L + i), a.Sum);
    }

    [Fact]
    public async Task AppendAsync_CrashBetweenClaimAndFact_RedeliveryWritesTheFactOnce()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new FactStore(tables);
        var fact = Compute("iv-crash", "tenant-a");
        int shard = store.Shard(fact.Fact.Source, fact.Fact.Id);
        await tables.Facts.AddEntityAsync(new TableEntity(FactStore.ClaimPartitionKey(fact.Fact.Source, shard), FactStore.IdentityRowKey(fact.Fact.Source, fact.Fact.Id))
        {
            ["Hash"] = fact.Fact.ContentHash, // what a crash right after the claim leaves behind
        });

        var result = await store.AppendAsync([fact], CancellationToken.None);
        var again = await store.AppendAsync([fact], CancellationToken.None);

        Assert.Equal((1, 0), (result.Inserted, result.Conflicts.Count));
        Assert.Equal((0, 1), (again.Inserted, again.Duplicates));
        Assert.Equal((1, 3600L), await ComputeTotalsAsync(store, "tenant-a"));
    }

    [Fact]
    public async Task AppendAsync_TwoTenantVersionsAtOnce_ExactlyOneCounts()
    {
        var store = new FactStore(await azurite.NewTablesAsync());

        var results = await Task.WhenAll(
            store.AppendAsync([Compute("iv-race", "tenant-a")], CancellationToken.None),
            store.AppendAsync([Compute("iv-race", "tenant-b")], CancellationToken.None));

        Assert.Equal(1, results.Sum(r => r.Inserted));
        Assert.Equal(1, results.Sum(r => r.Conflicts.Count));
        Assert.Equal(1, (await ComputeTotalsAsync(store, "tenant-a")).Count + (await ComputeTotalsAsync(store, "tenant-b")).Count);
    }

    [Fact]
    public async Task AppendAsync_SinglePayerThousandEventsOverADay_StaysWithin30Transactions()
    {
        var store = new FactStore(await azurite.NewTablesAsync(shards: 8));

        var result = await store.AppendAsync(Enumerable.Range(0, 1000).Select(i => Carrier($"tx-{i}", 1)).ToArray(), CancellationToken.None);

        Assert.Equal(1000, result.Inserted);
        Assert.InRange(result.Transactions, 8, 30); // with the rollup rows in the same transactions (docs/design.md §6)
    }

    [Fact]
    public async Task AppendAsync_HostileCharactersInKeys_RoundTripThroughTableStorage()
    {
        var store = new FactStore(await azurite.NewTablesAsync());
        string[] ids = ["a/b", "c\\d", "e#f", "g?h", "100%", "p|q", "it's", "tab\tnew\nline", "del\u007f", "漢字"];
        string payer = "carrier/odd#payer?";

        await store.AppendAsync(ids.Select(id => Carrier(id, 5, Day.AddHours(1), payer)).ToArray(), CancellationToken.None);
        var again = await store.AppendAsync(ids.Select(id => Carrier(id, 5, Day.AddHours(1), payer)).ToArray(), CancellationToken.None);

        var back = new List<UsageFact>();
        await foreach (var f in store.QueryAsync(payer, Day, Day.AddDays(1), CancellationToken.None))
        {
            back.Add(f);
        }

        Assert.Equal(ids.Order(StringComparer.Ordinal), back.Select(f => f.Id).Order(StringComparer.Ordinal));
        Assert.All(back, f => Assert.Equal(payer, f.Source));
        Assert.Equal(ids.Length, again.Duplicates);
    }

    [Fact]
    public async Task QueryAsync_Range_IsHalfOpen()
    {
        var store = new FactStore(await azurite.NewTablesAsync());
        await store.AppendAsync([Carrier("at-from", 1, Day), Carrier("before-to", 2, Day.AddDays(1).AddTicks(-1)), Carrier("at-to", 4, Day.AddDays(1))], CancellationToken.None);

        Assert.Equal((2, 3L), await TotalsAsync(store));
    }

    [Fact]
    public async Task QueryAsync_OtherPayer_SeesNothing()
    {
        var store = new FactStore(await azurite.NewTablesAsync());
        await store.AppendAsync([Carrier("x", 1, Day, payer: "carrier-a")], CancellationToken.None);

        Assert.Equal((0, 0L), await TotalsAsync(store, "carrier-b"));
    }

    [Fact]
    public void TimeKey_RandomInstants_MatchTheFrameworkFormatAndSortLikeTime()
    {
        var random = new Random(3);
        var instants = Enumerable.Range(0, 5000)
            .Select(_ => new DateTimeOffset(random.NextInt64(DateTimeOffset.MinValue.UtcTicks, DateTimeOffset.MaxValue.UtcTicks), TimeSpan.Zero))
            .Append(DateTimeOffset.MinValue).Append(DateTimeOffset.MaxValue).ToList();

        foreach (var t in instants)
        {
            Assert.Equal(t.UtcDateTime.ToString("yyyyMMddHHmmssfffffff", System.Globalization.CultureInfo.InvariantCulture), FactStore.TimeKey(t));
        }

        Assert.Equal(instants.Order().Select(FactStore.TimeKey), instants.Select(FactStore.TimeKey).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void PartitionKey_IsStableAcrossCalls_AndSpreadsOverShards()
    {
        var store = new FactStore(new BillingTables(new TableServiceClient("UseDevelopmentStorage=true"), new StorageOptions { FactShards = 8 }));

        var keys = Enumerable.Range(0, 2000).Select(i => store.PartitionKey("p", "p", $"id-{i}")).ToList();

        Assert.Equal(keys, Enumerable.Range(0, 2000).Select(i => store.PartitionKey("p", "p", $"id-{i}")));
        Assert.All(keys, k => Assert.Matches("^p\\|0[0-7]$", k));
        Assert.Equal(8, keys.Distinct().Count());
        // Pinned XxHash32("carrier-tmo\0sess-1"): a change here would silently re-key every stored fact and break dedup.
        Assert.Equal(3573202208u, FactStore.StableHash("carrier-tmo", "sess-1"));
    }

    /// <summary>A carrier event whose raw text is padded to <paramref name="rawChars"/> characters of <paramref name="pad"/>.</summary>
    private static PendingFact Padded(string id, long bytes, int rawChars, char pad = '<', string payer = "carrier-tmo")
    {
        var p = Carrier(id, bytes, payer: payer);
        string head = $"{{\"id\":\"{id}\",\"bytes\":{bytes},\"pad\":\"";
        return p with { RawEvent = head + new string(pad, rawChars - head.Length - 2) + "\"}" };
    }

    [Fact]
    public async Task AppendAsync_SourceAndIdWhoseEscapedKeyIsTooLong_StoredOnceUnderDigestKey()
    {
        var store = new FactStore(await azurite.NewTablesAsync());
        string partner = string.Concat(Enumerable.Repeat("\U0001F4E1", 60)); // escaped: 720 characters
        string id = string.Concat(Enumerable.Repeat("\U0001F600", 64)); // escaped: 768 characters

        var first = await store.AppendAsync([Carrier(id, 500, payer: partner)], CancellationToken.None);
        var again = await store.AppendAsync([Carrier(id, 500, payer: partner)], CancellationToken.None);

        Assert.Equal((1, 0), (first.Inserted, first.Duplicates));
        Assert.Equal((0, 1), (again.Inserted, again.Duplicates));
        var fact = Assert.Single(await store.QueryAsync(partner, Day, Day.AddDays(1), CancellationToken.None).ToListAsync());
        Assert.Equal((partner, id, 500L), (fact.Source, fact.Id, fact.Bytes));
    }

    [Fact]
    public async Task AppendAsync_ConflictWithA64KiBFirstVersion_ReturnsTheFirstRawEventWhole()
    {
        var store = new FactStore(await azurite.NewTablesAsync());
        var first = Padded("big-1", 100, 65_000);
        await store.AppendAsync([first], CancellationToken.None);

        var result = await store.AppendAsync([Carrier("big-1", 999)], CancellationToken.None);

        var conflict = Assert.Single(result.Conflicts);
        Assert.Equal(first.RawEvent, conflict.ExistingRawEvent);
    }

    [Fact]
    public async Task AppendAsync_50EventsOf60KiBInOnePartition_SplitIntoTransactionsUnder4MiB()
    {
        var store = new FactStore(await azurite.NewTablesAsync(shards: 1));
        var facts = Enumerable.Range(0, 50).Select(i => Padded($"pad-{i}", 10 + i, 60_000, '\u20AC')).ToList(); // 3 UTF-8 bytes each

        var result = await store.AppendAsync(facts, CancellationToken.None);

        Assert.Equal(50, result.Inserted);
        Assert.True(result.Transactions > 1);
        Assert.Equal((50, facts.Sum(f => f.Fact.Bytes)), await TotalsAsync(store));
    }

    [Fact]
    public async Task AppendAsync_RowTheServiceRefuses_IsReportedUnstorableAndTheOthersAreWritten()
    {
        var store = new FactStore(await azurite.NewTablesAsync(shards: 1));
        var poison = Carrier("poison", 7, hotspot: new string('h', 40_000)); // a property over 32K characters: 400 on every try
        var facts = Enumerable.Range(0, 20).Select(i => Carrier($"ok-{i}", 100)).Append(poison).ToList();

        var result = await store.AppendAsync(facts, CancellationToken.None);
        var again = await store.AppendAsync(facts, CancellationToken.None);

        var refused = Assert.Single(result.Unstorable);
        Assert.Same(poison, refused.Fact);
        Assert.Contains("400", refused.Reason, StringComparison.Ordinal);
        Assert.Equal(20, result.Inserted);
        // The service names the refused row: it goes alone and the 20 others together (event by event was 22 transactions).
        Assert.InRange(result.Transactions, 3, 4);
        Assert.Equal((0, 20, 1), (again.Inserted, again.Duplicates, again.Unstorable.Count));
        Assert.Equal((20, 2000L), await TotalsAsync(store));
    }

    [Fact]
    public async Task AppendAsync_WidestReadingsADefinitionMayDeclare_AreStoredAndReadBack()
    {
        // The most dimensions the loader takes, each value as long as declared and escaped on every character.
        int widest = Enumerable.Range(1, 64).TakeWhile(n =>
        {
            try
            {
                EventDefinitions.Load([KeyValuePair.Create(WideDefinition.Type + ".json", WideDefinition.Json(n))]);
                return true;
            }
            catch (DefinitionValidationException)
            {
                return false;
            }
        }).Last();
        var dimensions = Enumerable.Range(0, widest).Select(i => KeyValuePair.Create("d" + i, new string('\u00e9', 255) + i % 10)).ToArray();
        var fact = new UsageFact
        {
            Source = "provider-wide", Id = "wide-1", Payer = "provider-wide", Type = WideDefinition.Type, Time = Day.AddHours(3), ContentHash = "wide",
            Readings = [new MeterReading("wide.amount", Aggregation.Sum, 7, dimensions, null)],
        };
        var store = new FactStore(await azurite.NewTablesAsync(shards: 1));

        var result = await store.AppendAsync([new PendingFact(fact, "{\"id\":\"wide-1\"}")], CancellationToken.None);

        Assert.Empty(result.Unstorable);
        Assert.Equal(1, result.Inserted);
        var back = new List<UsageFact>();
        await foreach (var f in store.QueryAsync("provider-wide", Day, Day.AddDays(1), CancellationToken.None))
        {
            back.Add(f);
        }

        Assert.Equal(dimensions, Assert.Single(Assert.Single(back).Readings).Dimensions);
    }

    [Fact]
    public async Task AppendAsync_TwoNewVersionsInABatchOfAnIdAlreadyStored_BothConflictWithTheStoredVersion()
    {
        var store = new FactStore(await azurite.NewTablesAsync());
        var stored = Carrier("v-1", 100);
        await store.AppendAsync([stored], CancellationToken.None);

        var result = await store.AppendAsync([Carrier("v-1", 200), Carrier("v-1", 300), Carrier("v-1", 100)], CancellationToken.None);

        Assert.Equal((0, 1), (result.Inserted, result.Duplicates));
        Assert.Equal(2, result.Conflicts.Count);
        Assert.All(result.Conflicts, c => Assert.Equal(stored.RawEvent, c.ExistingRawEvent));
        Assert.Equal((1, 100L), await TotalsAsync(store));
    }
}
