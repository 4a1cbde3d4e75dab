namespace Billing.Application.Tests.Rollups;

public class RollupMaintenanceTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly BillingPeriod October = new(2026, 10);

    internal static PendingFact Carrier(int i, DateTimeOffset time, string hotspot) => new(new UsageFact
    {
        Source = "carrier-tmo", Id = "m-" + i, Payer = "carrier-tmo", Type = EventTypes.CarrierOffloadV1, Time = time,
        ContentHash = "h" + i, Hotspot = hotspot, Rat = i % 2 == 0 ? "wlan" : "lte", Bytes = 1000 + i,
    }, "{}");

    private static PendingFact Compute(int i, DateTimeOffset time, string provider) => new(new UsageFact
    {
        Source = provider, Id = "c-" + i, Payer = "tenant-lab", Type = EventTypes.ComputeUsageV1, Time = time,
        ContentHash = "h" + i, GpuModel = i % 3 == 0 ? "H100" : "L40S", Lease = "lease-" + (i % 4), Provider = provider, GpuSeconds = 60 + i,
    }, "{}");

    [Fact]
    public async Task VerifyAsync_TamperedMissingAndExtraRows_ReportedThenRebuildRepairs()
    {
        var tables = await azurite.NewTablesAsync(shards: 2);
        var facts = new FactStore(tables);
        await facts.AppendAsync([.. Enumerable.Range(0, 200).Select(i => Carrier(i, Start.AddMinutes(i * 97), "hs-" + (i % 5)))], CancellationToken.None);
        var maintenance = new RollupMaintenance(facts, TimeProvider.System);
        Assert.True((await maintenance.VerifyAsync("carrier-tmo", October, CancellationToken.None)).Ok);

        // Tamper: change one sum, delete a row, add a row for a bucket without facts.
        string pk = FactStore.ShardPartitionKey("carrier-tmo", 0);
        var month = (await tables.Facts.GetEntityAsync<TableEntity>(pk, RollupCodec.RowKey(UsageWindow.Month, Start))).Value;
        month["S0"] = month.GetString("S0") + "7"; // the last group's sum, ten times and a bit
        await tables.Facts.UpdateEntityAsync(month, month.ETag, TableUpdateMode.Replace);
        var day = RollupCodec.RowKey(UsageWindow.Day, Start.AddDays(2));
        await tables.Facts.DeleteEntityAsync(pk, day);
        var extra = RollupCodec.RowKey(UsageWindow.Hour, new DateTimeOffset(2026, 10, 30, 23, 0, 0, TimeSpan.Zero));
        await tables.Facts.AddEntityAsync(new TableEntity(pk, extra) { ["Detail"] = "Fine", ["S0"] = "offload.bytes|carrier-tmo|hs-1|wlan=5" });

        var verification = await maintenance.VerifyAsync("carrier-tmo", October, CancellationToken.None);

        Assert.False(verification.Ok);
        Assert.Equal(200, verification.Facts);
        Assert.Contains(verification.Differences, d => d.Kind == "different" && d.RowKey == RollupCodec.RowKey(UsageWindow.Month, Start) && d.Detail.Contains("stored", StringComparison.Ordinal));
        Assert.Contains(verification.Differences, d => d.Kind == "missing" && d.RowKey == day);
        Assert.Contains(verification.Differences, d => d.Kind == "extra" && d.RowKey == extra);
        var usage = new UsageReader(facts);
        Assert.NotEqual( // the tampered sum is the last group of the row: offload.sessions (groups sort by meter)
            RollupPropertyTests.Text(await usage.FromFactsAsync("carrier-tmo", Meters.OffloadSessionsMeter, UsageWindow.Month, Start, October.End, [], null, CancellationToken.None)),
            RollupPropertyTests.Text(await usage.ReadAsync("carrier-tmo", Meters.OffloadSessionsMeter, UsageWindow.Month, Start, October.End, [], null, CancellationToken.None)));

        var rebuild = await maintenance.RebuildAsync("carrier-tmo", October, CancellationToken.None);

        Assert.Equal(verification.Differences.Count, rebuild.RowsChanged);
        Assert.True((await maintenance.VerifyAsync("carrier-tmo", October, CancellationToken.None)).Ok);
        Assert.Equal(0, (await maintenance.RebuildAsync("carrier-tmo", October, CancellationToken.None)).RowsChanged);
        Assert.Equal(
            RollupPropertyTests.Text(await usage.FromFactsAsync("carrier-tmo", Meters.OffloadBytesMeter, UsageWindow.Day, Start, October.End, [Meters.Hotspot], null, CancellationToken.None)),
            RollupPropertyTests.Text(await usage.ReadAsync("carrier-tmo", Meters.OffloadBytesMeter, UsageWindow.Day, Start, October.End, [Meters.Hotspot], null, CancellationToken.None)));
    }

    /// <summary>200 carrier facts in two shards, then one's <c>Bytes</c> planted as text; returns its shard and time row key.</summary>
    private static async Task<(BillingTables Tables, FactStore Facts, int Shard, string RowKey)> StoreWithAnUnreadableFactAsync(BillingTables tables)
    {
        var facts = new FactStore(tables);
        var stored = Enumerable.Range(0, 200).Select(i => Carrier(i, Start.AddMinutes(i * 97), "hs-" + (i % 5))).ToList();
        await facts.AppendAsync([.. stored], CancellationToken.None);
        var target = stored[17].Fact;
        string rk = FactStore.TimeRowKey(target.Time, target.Source, target.Id);
        await tables.Facts.UpdateEntityAsync( // as someone with write access to storage could
            new TableEntity(facts.PartitionKey(target.Payer, target.Source, target.Id), rk) { ["Bytes"] = "12" }, Azure.ETag.All, TableUpdateMode.Merge);
        return (tables, facts, facts.Shard(target.Source, target.Id), rk);
    }

    [Fact]
    public async Task VerifyAsync_FactRowWithAPlantedValueOfTheWrongType_ReportedUnreadableAndTheRestCompared()
    {
        var (tables, facts, shard, rk) = await StoreWithAnUnreadableFactAsync(await azurite.NewTablesAsync(shards: 2));
        int other = 1 - shard;
        var day = RollupCodec.RowKey(UsageWindow.Day, Start.AddDays(2));
        await tables.Facts.DeleteEntityAsync(FactStore.ShardPartitionKey("carrier-tmo", other), day); // tampering the verify must still find

        var verification = await new RollupMaintenance(facts, TimeProvider.System).VerifyAsync("carrier-tmo", October, CancellationToken.None); // before: threw

        Assert.False(verification.Ok);
        Assert.Equal(199, verification.Facts);
        var unreadable = Assert.Single(verification.Differences, d => d.Kind == "unreadable");
        Assert.Equal((shard, rk), (unreadable.Shard, unreadable.RowKey));
        Assert.Contains("property 'Bytes': Edm.String found, Edm.Int64 expected", unreadable.Detail, StringComparison.Ordinal);
        Assert.Contains("left out", unreadable.Detail, StringComparison.Ordinal);
        Assert.Contains(verification.Differences, d => d.Kind == "missing" && d.Shard == other && d.RowKey == day);
        Assert.Contains(verification.Differences, d => d.Kind == "different" && d.Shard == shard); // its buckets still hold the fact as written
    }

    [Fact]
    public async Task RebuildAsync_FactRowWithAPlantedValueOfTheWrongType_RefusesThatShardMonth()
    {
        var (tables, facts, shard, rk) = await StoreWithAnUnreadableFactAsync(await azurite.NewTablesAsync(shards: 2));
        string pk = FactStore.ShardPartitionKey("carrier-tmo", shard);
        string monthRow = RollupCodec.RowKey(UsageWindow.Month, Start);
        var before = (await tables.Facts.GetEntityAsync<TableEntity>(pk, monthRow)).Value;

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => new RollupMaintenance(facts, TimeProvider.System).RebuildAsync("carrier-tmo", October, CancellationToken.None));

        Assert.Contains("not rebuilt", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"row '{rk}'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before.ETag, (await tables.Facts.GetEntityAsync<TableEntity>(pk, monthRow)).Value.ETag); // no rollup computed without the fact
    }

    [Fact]
    public async Task VerifyAsync_RollupRowsWhoseKeysAreNoBucket_ReportedUnreadableThenRebuildDeletesThem()
    {
        var (tables, facts) = await Usage.UsageReaderTests.MeteredAsync(azurite);
        await Usage.UsageReaderUnreadableRowTests.PlantAsync(tables, shard: 1);
        var maintenance = new RollupMaintenance(facts, TimeProvider.System);
        var september = October.Previous;

        // Before: both threw InvalidDataException (409); October's month row, read by key, hid the row beside it.
        var verifications = new[] { await maintenance.VerifyAsync("carrier-tmo", October, CancellationToken.None), await maintenance.VerifyAsync("carrier-tmo", september, CancellationToken.None) };

        var reported = verifications.SelectMany(v => v.Differences).ToList();
        Assert.All(reported, d => Assert.Equal((1, "unreadable-rollup"), (d.Shard, d.Kind)));
        Assert.All(reported, d => Assert.Contains("is not a rollup row key", d.Detail, StringComparison.Ordinal));
        Assert.Equal(Usage.UsageReaderUnreadableRowTests.PlantedKeys.Order(StringComparer.Ordinal), reported.Select(d => d.RowKey).Order(StringComparer.Ordinal));
        Assert.Equal(["r|d|2026100"], verifications[1].Differences.Select(d => d.RowKey)); // before October 1st's row key: September's range

        var rebuilt = new[] { await maintenance.RebuildAsync("carrier-tmo", October, CancellationToken.None), await maintenance.RebuildAsync("carrier-tmo", september, CancellationToken.None) };

        Assert.Equal(Usage.UsageReaderUnreadableRowTests.PlantedKeys.Length, rebuilt.Sum(r => r.RowsChanged));
        Assert.True((await maintenance.VerifyAsync("carrier-tmo", October, CancellationToken.None)).Ok);
        string pk = FactStore.ShardPartitionKey("carrier-tmo", 1);
        Assert.All(Usage.UsageReaderUnreadableRowTests.PlantedKeys, k => Assert.False(tables.Facts.GetEntityIfExists<TableEntity>(pk, k).HasValue));
    }

    public static TheoryData<string, object> PlantedInBucketRows => new()
    {
        { "S0", 5L }, // the sums' text a number
        { "Detail", 7L },
        { "Totals", "offload.bytes=170141183460469231731687303715884105727;offload.bytes=1" }, // one meter's totals past Int128
    };

    [Theory]
    [MemberData(nameof(PlantedInBucketRows))]
    public async Task RebuildAsync_RowsAtKeysTheFactsNeedHoldingAPlantedValue_RepairedSoVerifyIsOkAndUsageIsTheFacts(string property, object value)
    {
        var (tables, facts) = await Usage.UsageReaderTests.MeteredAsync(azurite);
        string pk = FactStore.ShardPartitionKey("carrier-tmo", 1);
        var rows = await tables.Facts.QueryAsync<TableEntity>(e => e.PartitionKey == pk).Where(e => e.RowKey.StartsWith(RollupCodec.RowPrefix, StringComparison.Ordinal)).ToListAsync();
        foreach (var row in rows.GroupBy(r => r.RowKey[..4]).Select(g => g.First())) // one hour, one day and the month
        {
            await tables.Facts.UpdateEntityAsync(new TableEntity(pk, row.RowKey) { [property] = value }, Azure.ETag.All, TableUpdateMode.Merge);
        }

        var maintenance = new RollupMaintenance(facts, TimeProvider.System);
        await maintenance.RebuildAsync("carrier-tmo", October, CancellationToken.None);

        Assert.True((await maintenance.VerifyAsync("carrier-tmo", October, CancellationToken.None)).Ok);
        var usage = new UsageReader(facts);
        foreach (var window in RollupCodec.Grains)
        {
            Assert.Equal(
                RollupPropertyTests.Text(await usage.FromFactsAsync("carrier-tmo", Meters.OffloadBytesMeter, window, Start, October.End, [Meters.Hotspot], null, CancellationToken.None)),
                RollupPropertyTests.Text(await usage.ReadAsync("carrier-tmo", Meters.OffloadBytesMeter, window, Start, October.End, [Meters.Hotspot], null, CancellationToken.None)));
        }
    }

    [Fact]
    public async Task VerifyAsync_FactsTimeChangedAwayFromItsRowKey_ReportedUnreadableAndRebuildRefusesThatShardMonth()
    {
        var tables = await azurite.NewTablesAsync(shards: 2);
        var facts = new FactStore(tables);
        var stored = Enumerable.Range(0, 50).Select(i => Carrier(i, Start.AddMinutes(i * 397), "hs-" + (i % 5))).ToList();
        await facts.AppendAsync([.. stored], CancellationToken.None);
        var target = stored[17].Fact;
        string rk = FactStore.TimeRowKey(target.Time, target.Source, target.Id);
        await tables.Facts.UpdateEntityAsync(
            new TableEntity(facts.PartitionKey(target.Payer, target.Source, target.Id), rk) { ["Time"] = target.Time.AddDays(-20) }, Azure.ETag.All, TableUpdateMode.Merge);
        var maintenance = new RollupMaintenance(facts, TimeProvider.System);

        // Before: the fact was recomputed into September's rows, so October's differed and rows outside the month were "missing".
        var verification = await maintenance.VerifyAsync("carrier-tmo", October, CancellationToken.None);

        var unreadable = Assert.Single(verification.Differences, d => d.Kind == "unreadable");
        Assert.Equal((facts.Shard(target.Source, target.Id), rk), (unreadable.Shard, unreadable.RowKey));
        Assert.Contains("property 'Time'", unreadable.Detail, StringComparison.Ordinal);
        Assert.All(verification.Differences, d => Assert.StartsWith(d.Kind == "unreadable" ? "t|" : "r|", d.RowKey, StringComparison.Ordinal));
        Assert.DoesNotContain(verification.Differences, d => d.RowKey.StartsWith("r|", StringComparison.Ordinal) && !d.RowKey.Contains("|202610", StringComparison.Ordinal));
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => maintenance.RebuildAsync("carrier-tmo", October, CancellationToken.None));
        Assert.Contains($"row '{rk}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_OverflowedMonthRowWithoutItsTotals_ReportedThenRebuildRestoresThem()
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        var facts = new FactStore(tables);
        // Long provider ids: the month's groups outgrow a row, so its sums are given up (Overflow) and only its totals kept.
        await facts.AppendAsync([.. Enumerable.Range(0, 200).Select(i => Compute(i, Start.AddMinutes(i * 13), "provider-" + i + new string('p', 300)))], CancellationToken.None);
        var maintenance = new RollupMaintenance(facts, TimeProvider.System);
        Assert.True((await maintenance.VerifyAsync("tenant-lab", October, CancellationToken.None)).Ok);
        string pk = FactStore.ShardPartitionKey("tenant-lab", 0);
        string rk = RollupCodec.RowKey(UsageWindow.Month, Start);
        var month = (await tables.Facts.GetEntityAsync<TableEntity>(pk, rk)).Value;
        Assert.Equal("Overflow", month.GetString("Detail"));
        // As a row written before month rows kept totals reads: metering counts the month's billable limit from zero.
        Assert.True(month.Remove("Totals"));
        await tables.Facts.UpdateEntityAsync(month, month.ETag, TableUpdateMode.Replace);

        var verification = await maintenance.VerifyAsync("tenant-lab", October, CancellationToken.None);

        // Before: ok, and rebuild left the row as it was: nothing reported or repaired the totals.
        var different = Assert.Single(verification.Differences);
        Assert.Equal(("different", rk), (different.Kind, different.RowKey));
        Assert.Contains("totals", different.Detail, StringComparison.Ordinal);
        Assert.Equal(1, (await maintenance.RebuildAsync("tenant-lab", October, CancellationToken.None)).RowsChanged);
        Assert.True((await maintenance.VerifyAsync("tenant-lab", October, CancellationToken.None)).Ok);
        Assert.StartsWith(Meters.ComputeGpuSeconds + "=", (await tables.Facts.GetEntityAsync<TableEntity>(pk, rk)).Value.GetString("Totals"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RebuildAsync_WriterCountsAFactBetweenTheFactScanAndTheWrites_TheFactStaysCounted()
    {
        var real = await azurite.NewTablesAsync(shards: 1);
        await new FactStore(real).AppendAsync([.. Enumerable.Range(0, 20).Select(i => Carrier(i, Start.AddHours(i), "hs-" + (i % 3)))], CancellationToken.None);
        // Metering goes on while finance rebuilds: a new session (in an hour no fact had yet) is written right after the
        // rebuild has read the facts and before it writes the rows.
        var late = Carrier(99, Start.AddHours(30).AddMinutes(5), "hs-9");
        var (tables, hook) = InterleavingTables.Create(azurite.ConnectionString, real, "RowKey ge 't|",
            () => new FactStore(real).AppendAsync([late], CancellationToken.None));

        await new RollupMaintenance(new FactStore(tables), TimeProvider.System).RebuildAsync("carrier-tmo", October, CancellationToken.None);

        Assert.True(hook.Fired);
        var verification = await new RollupMaintenance(new FactStore(real), TimeProvider.System).VerifyAsync("carrier-tmo", October, CancellationToken.None);
        Assert.True(verification.Ok, string.Join("\n", verification.Differences)); // before: the rows were written back without the session
        var month = await new UsageReader(new FactStore(real)).ReadAsync("carrier-tmo", Meters.OffloadBytesMeter, UsageWindow.Month, Start, October.End, [], null, CancellationToken.None);
        Assert.Equal(Enumerable.Range(0, 20).Sum(i => 1000 + i) + 1099, (long)Assert.Single(month).Quantity);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task ReadAsync_RandomRangesWindowsGroupingsAndProviders_EqualsFactScan(int seed)
    {
        var tables = await azurite.NewTablesAsync(shards: 3);
        var facts = new FactStore(tables);
        var random = new Random(seed);
        var times = Enumerable.Range(0, 400).Select(_ => Start.AddSeconds(random.Next(40 * 86_400))).ToList();
        // Many hotspots in one hour of one shard: that hour's and day's rows go coarse, and hotspot reads fall back to facts.
        await facts.AppendAsync([.. Enumerable.Range(0, 400).Select(i => Carrier(i, times[i], "hs-" + random.Next(9)))], CancellationToken.None);
        await facts.AppendAsync([.. Enumerable.Range(1000, 1500).Select(i => Carrier(i, Start.AddDays(5).AddSeconds(i), new string('x', 60) + i))], CancellationToken.None);
        await facts.AppendAsync([.. Enumerable.Range(0, 300).Select(i => Compute(i, times[i], i % 2 == 0 ? "provider-nodeops" : "provider-other"))], CancellationToken.None);
        var reader = new UsageReader(facts);

        for (int q = 0; q < 25; q++)
        {
            var from = Start.AddMinutes(random.Next(-60 * 24, 60 * 24 * 20));
            var to = from.AddMinutes(random.Next(1, 60 * 24 * 30));
            var window = (UsageWindow)random.Next(3);
            bool carrier = random.Next(2) == 0;
            var meter = carrier ? (random.Next(2) == 0 ? Meters.OffloadBytesMeter : Meters.OffloadSessionsMeter) : Meters.ComputeGpuSecondsMeter;
            var groupBy = meter.Dimensions.Where(_ => random.Next(2) == 0).ToList();
            string payer = carrier ? "carrier-tmo" : "tenant-lab";
            string? source = carrier ? null : new[] { null, "provider-nodeops", "provider-other" }[random.Next(3)];

            Assert.Equal(
                RollupPropertyTests.Text(await reader.FromFactsAsync(payer, meter, window, from, to, groupBy, source, CancellationToken.None)),
                RollupPropertyTests.Text(await reader.ReadAsync(payer, meter, window, from, to, groupBy, source, CancellationToken.None)));
        }

        var hotspotDay = await reader.ReadAsync("carrier-tmo", Meters.OffloadBytesMeter, UsageWindow.Day, Start.AddDays(5), Start.AddDays(6), [Meters.Hotspot], null, CancellationToken.None);
        Assert.True(hotspotDay.Count >= 1500);
    }
}
