namespace Billing.Application.Tests.Rollups;

/// <summary>
/// UNIQUE_COUNT on marker rows (docs/design.md §6.1) against Azurite: each distinct value of a payer's month has one
/// marker per partition, added with the first fact that carries it, and counted once in the partition's month row,
/// whatever the redeliveries, crashes, conflicting resends, shared values, month boundaries and concurrent writers.
/// </summary>
public class UniqueCountRollupTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Payer = "tenant-map";
    private const string Meter = "mapping.unique_cells";
    private static readonly MeterDefinition Cells = new(Meter, Aggregation.UniqueCount, "depin.mapping.coverage.v1", []);
    private static readonly DateTimeOffset October = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    internal static PendingFact Mapping(string id, DateTimeOffset time, string cell, string source = "provider-hive", int version = 0) => new(new UsageFact
    {
        Source = source, Id = id, Payer = Payer, Type = "depin.mapping.coverage.v1", Time = time, ContentHash = $"{id}|{cell}|{version}",
        Readings =
        [
            new MeterReading("mapping.distance", Aggregation.Sum, 100 + version, [new("device", "dev-" + (id.Length % 3))], null),
            new MeterReading(Meter, Aggregation.UniqueCount, 1, [], cell),
        ],
    }, $"{{\"id\":\"{id}\",\"cell\":\"{cell}\"}}");

    internal static string Cell(int i) => "8928308280" + (i % 100_000).ToString("D5", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task AppendAsync_SameBatchRedelivered_EachValueCountedOnce()
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        var batch = Enumerable.Range(0, 90).Select(i => Mapping("r-" + i, October.AddHours(i), Cell(i % 25))).ToList(); // 25 cells, several transactions

        await new FactStore(tables).AppendAsync(batch, CancellationToken.None);
        var again = await new FactStore(tables).AppendAsync(batch, CancellationToken.None);

        Assert.Equal((0, 90), (again.Inserted, again.Duplicates));
        await AssertCountAsync(tables, October, 25);
    }

    [Fact]
    public async Task AppendAsync_CrashBetweenTransactionsThenRerun_EachValueCountedOnce()
    {
        var batch = Enumerable.Range(0, 120).Select(i => Mapping("c-" + i, October.AddMinutes(i * 7), Cell(i % 40))).ToList();
        var (counting, clean) = CrashingTables.Create(azurite.ConnectionString, await azurite.NewTablesAsync(shards: 1), int.MaxValue, afterSuccess: false);
        var appended = await new FactStore(counting).AppendAsync(batch, CancellationToken.None);
        int requests = clean.Requests, first = requests - appended.Transactions + 1; // the rows are read first, then the chunks' transactions
        Assert.True(appended.Transactions >= 3, $"{appended.Transactions} transactions: the test needs a crash between transactions");

        foreach (var (crashAt, afterSuccess) in new[] { (first / 2, true), (first, true), (first + 1, false), (first + 1, true), (requests, true) })
        {
            var tables = await azurite.NewTablesAsync(shards: 1);
            var (crashing, crash) = CrashingTables.Create(azurite.ConnectionString, tables, crashAt, afterSuccess);

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new FactStore(crashing).AppendAsync(batch, CancellationToken.None));
            Assert.True(crash.Crashed);
            await new FactStore(tables).AppendAsync(batch, CancellationToken.None); // the redelivery

            await AssertCountAsync(tables, October, 40);
        }
    }

    [Fact]
    public async Task AppendAsync_ConflictingResendWithAnotherValue_OnlyTheFirstValueCounted()
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        await new FactStore(tables).AppendAsync([Mapping("x-1", October.AddDays(3), Cell(1))], CancellationToken.None);

        var resend = await new FactStore(tables).AppendAsync([Mapping("x-1", October.AddDays(3), Cell(2), version: 1)], CancellationToken.None);

        Assert.Single(resend.Conflicts);
        await AssertCountAsync(tables, October, 1);
    }

    [Fact]
    public async Task AppendAsync_TwoTransactionsShareAValue_CountedOnce()
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        await new FactStore(tables).AppendAsync([Mapping("s-1", October.AddDays(1), Cell(7)), Mapping("s-2", October.AddDays(1), Cell(8))], CancellationToken.None);

        await new FactStore(tables).AppendAsync([Mapping("s-3", October.AddDays(2), Cell(7))], CancellationToken.None);
        await new FactStore(tables).AppendAsync([Mapping("s-4", October.AddDays(9), Cell(7)), Mapping("s-5", October.AddDays(9), Cell(7))], CancellationToken.None);

        await AssertCountAsync(tables, October, 2);
    }

    [Fact]
    public async Task AppendAsync_SameValueEitherSideOfAMonthBoundaryAndLate_CountedInEachMonth()
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        var november = October.AddMonths(1);
        await new FactStore(tables).AppendAsync(
        [
            Mapping("b-1", november.AddTicks(-1), Cell(1)), // the last tick of October
            Mapping("b-2", november, Cell(1)),
            Mapping("b-3", november.AddHours(5), Cell(2)),
            Mapping("b-4", november.AddDays(-34), Cell(1)), // late, inside the 35-day window: late September
        ], CancellationToken.None);
        await new FactStore(tables).AppendAsync([Mapping("b-5", October.AddDays(28), Cell(3)), Mapping("b-6", november.AddDays(2), Cell(3))], CancellationToken.None);

        await AssertCountAsync(tables, October.AddMonths(-1), 1);
        await AssertCountAsync(tables, October, 2);
        await AssertCountAsync(tables, november, 3);
        var reader = new UsageReader(new FactStore(tables));
        var from = October.AddDays(-20);
        var to = november.AddDays(1);
        Assert.Equal( // partial months at both edges from facts, October from its markers
            RollupPropertyTests.Text(await reader.FromFactsAsync(Payer, Cells, UsageWindow.Month, from, to, [], null, CancellationToken.None)),
            RollupPropertyTests.Text(await reader.ReadAsync(Payer, Cells, UsageWindow.Month, from, to, [], null, CancellationToken.None)));
    }

    [Fact]
    public async Task AppendAsync_ConcurrentWritersOnOnePartition_EachValueCountedOnce()
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        for (int round = 0; round < 4; round++)
        {
            // Two writers at once, different events, overlapping values: markers and the month row raced under 409/412.
            var a = Enumerable.Range(0, 30).Select(i => Mapping($"w{round}-a{i}", October.AddHours(i), Cell((round * 10) + i))).ToList();
            var b = Enumerable.Range(0, 30).Select(i => Mapping($"w{round}-b{i}", October.AddHours(i), Cell((round * 10) + i + 15))).ToList();
            await Task.WhenAll(new FactStore(tables).AppendAsync(a, CancellationToken.None), new FactStore(tables).AppendAsync(b, CancellationToken.None));
        }

        await AssertCountAsync(tables, October, 75); // cells 0 to 74
    }

    [Fact]
    public async Task VerifyAsync_MissingExtraAndTamperedMarkers_ReportedThenRebuildRepairs()
    {
        var tables = await azurite.NewTablesAsync(shards: 2);
        var facts = new FactStore(tables);
        await facts.AppendAsync([.. Enumerable.Range(0, 60).Select(i => Mapping("v-" + i, October.AddHours(i), Cell(i % 20), i % 2 == 0 ? "provider-hive" : "provider-natix"))], CancellationToken.None);
        var maintenance = new RollupMaintenance(facts, TimeProvider.System);
        var period = new BillingPeriod(2026, 10);
        Assert.True((await maintenance.VerifyAsync(Payer, period, CancellationToken.None)).Ok);
        string pk = FactStore.ShardPartitionKey(Payer, 0);
        var stored = await MarkersAsync(tables, pk);
        await tables.Facts.DeleteEntityAsync(pk, stored[0].RowKey);
        var tampered = stored[1];
        tampered["Value"] = "8928308280fffff";
        await tables.Facts.UpdateEntityAsync(tampered, tampered.ETag, TableUpdateMode.Replace);
        string extra = "u|202610|" + Meter + "|%hextra"; // in the meter's month range, matching no marker
        await tables.Facts.AddEntityAsync(new TableEntity(pk, extra) { ["Meter"] = Meter });

        var verification = await maintenance.VerifyAsync(Payer, period, CancellationToken.None);

        Assert.Contains(verification.Differences, d => d.Kind == "missing" && d.RowKey == stored[0].RowKey);
        Assert.Contains(verification.Differences, d => d.Kind == "different" && d.RowKey == tampered.RowKey);
        Assert.Contains(verification.Differences, d => d.Kind == "extra" && d.RowKey == extra);
        var rebuild = await maintenance.RebuildAsync(Payer, period, CancellationToken.None);
        Assert.Equal(3, rebuild.RowsChanged);
        Assert.True((await maintenance.VerifyAsync(Payer, period, CancellationToken.None)).Ok);
        var reader = new UsageReader(facts);
        foreach (string? source in new[] { null, "provider-hive", "provider-natix" })
        {
            Assert.Equal(
                RollupPropertyTests.Text(await reader.FromFactsAsync(Payer, Cells, UsageWindow.Month, October, October.AddMonths(1), [], source, CancellationToken.None)),
                RollupPropertyTests.Text(await reader.ReadAsync(Payer, Cells, UsageWindow.Month, October, October.AddMonths(1), [], source, CancellationToken.None)));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public async Task ReadAsync_MarkersDeletedBesideTheirFacts_CountedFromTheFacts(int deleted)
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        var facts = new FactStore(tables);
        await facts.AppendAsync([.. Enumerable.Range(0, 30).Select(i => Mapping("d-" + i, October.AddHours(i), Cell(i % 10)))], CancellationToken.None);
        string pk = FactStore.ShardPartitionKey(Payer, 0);
        foreach (var marker in (await MarkersAsync(tables, pk)).Take(deleted))
        {
            await tables.Facts.DeleteEntityAsync(pk, marker.RowKey); // outside the platform: the month row still counts them
        }

        var reader = new UsageReader(facts);
        var rows = await reader.ReadAsync(Payer, Cells, UsageWindow.Month, October, October.AddMonths(1), [], null, CancellationToken.None);

        // Before: 10 - deleted distinct cells (none at all when every marker was deleted), an invoice short without a word.
        Assert.Equal(
            RollupPropertyTests.Text(await reader.FromFactsAsync(Payer, Cells, UsageWindow.Month, October, October.AddMonths(1), [], null, CancellationToken.None)),
            RollupPropertyTests.Text(rows));
        Assert.Equal(10, (int)rows.Single().Quantity);
    }

    /// <summary>
    /// The month's count is <paramref name="distinct"/> from the rollups and from the facts, and the partition holds one
    /// marker per value and a month-row counter of exactly that (read with the storage client: the layout is the contract).
    /// </summary>
    private static async Task AssertCountAsync(BillingTables tables, DateTimeOffset month, int distinct)
    {
        var reader = new UsageReader(new FactStore(tables));
        var end = month.AddMonths(1);
        var rows = await reader.ReadAsync(Payer, Cells, UsageWindow.Month, month, end, [], null, CancellationToken.None);
        Assert.Equal(distinct, (int)rows.Single().Quantity);
        Assert.Equal(RollupPropertyTests.Text(await reader.FromFactsAsync(Payer, Cells, UsageWindow.Month, month, end, [], null, CancellationToken.None)), RollupPropertyTests.Text(rows));

        string pk = FactStore.ShardPartitionKey(Payer, 0);
        var monthKey = "u|" + month.ToString("yyyyMM", System.Globalization.CultureInfo.InvariantCulture) + "|";
        Assert.Equal(distinct, (await MarkersAsync(tables, pk)).Count(e => e.RowKey.StartsWith(monthKey, StringComparison.Ordinal)));
        var row = await tables.Facts.GetEntityAsync<TableEntity>(pk, RollupCodec.RowKey(UsageWindow.Month, month));
        Assert.Equal(distinct, (int)RollupCodec.FromEntity(row.Value).Sums.Where(kv => kv.Key.Meter == Meter).Sum(kv => (long)kv.Value));
        Assert.True((await new RollupMaintenance(new FactStore(tables), TimeProvider.System).VerifyAsync(Payer, new BillingPeriod(month.Year, month.Month), CancellationToken.None)).Ok);
    }

    private static async Task<List<TableEntity>> MarkersAsync(BillingTables tables, string pk)
    {
        var result = new List<TableEntity>();
        await foreach (var e in tables.Facts.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {pk} and RowKey ge {"u|"} and RowKey lt {"u}"}")))
        {
            result.Add(e);
        }

        return result;
    }
}
