using Billing.Domain.Metering.Rollups;

namespace Billing.Application.Tests.Rollups;

/// <summary>
/// Rollup verify on a live system (docs/design.md §6): a fact metered while verify reads (its rollup rows counted in the
/// same transaction) is no difference. Each test lets metering write at an exact point of the verification
/// (<see cref="InterleavingTables"/>), and the tampering tests show that rows and facts changed in storage are still
/// reported, exactly those, when metering writes at the same point.
/// </summary>
public class RollupVerifyWhileMeteringTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Start = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly BillingPeriod October = new(2026, 10);

    /// <summary>
    /// Verify's reads, as their requests name them: the fact scan, the hour and day rows' ranges, the month row (its range
    /// first, by key when checked again), the markers' range.
    /// </summary>
    public static TheoryData<string> Reads => ["RowKey ge 't|", "RowKey ge 'r|h|", "RowKey ge 'r|d|", "'r|m|202610'", "RowKey ge 'u|"];

    private static PendingFact Carrier(int i, DateTimeOffset time) => RollupMaintenanceTests.Carrier(i, time, "hs-" + (i % 3));

    private static string Hour(DateTimeOffset time) => RollupCodec.RowKey(UsageWindow.Hour, time);

    private static string Day(DateTimeOffset time) => RollupCodec.RowKey(UsageWindow.Day, time);

    /// <summary>Verify through tables that run <paramref name="meanwhile"/> right after the first request naming <paramref name="read"/>.</summary>
    private async Task<RollupVerification> VerifyAsync(BillingTables real, string payer, string read, Func<Task> meanwhile, int times = 1)
    {
        var (tables, hook) = InterleavingTables.Create(azurite.ConnectionString, real, read, meanwhile, times);
        var verification = await new RollupMaintenance(new FactStore(tables), TimeProvider.System).VerifyAsync(payer, October, Ct);
        Assert.True(hook.Fired);
        return verification;
    }

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task VerifyAsync_FactsMeteredBetweenItsReads_NoDifference(string read)
    {
        var real = await azurite.NewTablesAsync(shards: 1);
        await new FactStore(real).AppendAsync([.. Enumerable.Range(0, 20).Select(i => Carrier(i, Start.AddHours(i)))], Ct);
        // One session in an hour that has facts (its rows are updated), one in a day that has none (its rows are added).
        PendingFact[] live = [Carrier(98, Start.AddHours(3).AddMinutes(30)), Carrier(99, Start.AddDays(4).AddMinutes(5))];

        var verification = await VerifyAsync(real, "carrier-tmo", read, () => new FactStore(real).AppendAsync(live, Ct));

        Assert.True(verification.Ok, string.Join("\n", verification.Differences)); // before: the rows read after the facts counted the sessions
        var next = await new RollupMaintenance(new FactStore(real), TimeProvider.System).VerifyAsync("carrier-tmo", October, Ct);
        Assert.Equal((true, 22L), (next.Ok, next.Facts));
    }

    [Fact]
    public async Task VerifyAsync_MeteringWritesThroughoutTheVerification_NoDifference()
    {
        var tables = await azurite.NewTablesAsync(shards: 2);
        await new FactStore(tables).AppendAsync([.. Enumerable.Range(0, 40).Select(i => Carrier(i, Start.AddHours(i * 3)))], Ct);
        using var done = new CancellationTokenSource();
        int written = 0;
        var metering = Task.Run(async () =>
        {
            for (int i = 100; !done.IsCancellationRequested; i += 2)
            {
                // Into the same hours as the facts there, and into hours that have none yet.
                await new FactStore(tables).AppendAsync([Carrier(i, Start.AddHours(i % 120).AddMinutes(1)), Carrier(i + 1, Start.AddHours(200 + (i % 300)))], Ct);
                Interlocked.Add(ref written, 2);
            }
        });

        var verifications = new List<RollupVerification>();
        for (int v = 0; v < 3; v++)
        {
            verifications.Add(await new RollupMaintenance(new FactStore(tables), TimeProvider.System).VerifyAsync("carrier-tmo", October, Ct));
        }

        await done.CancelAsync();
        await metering;
        Assert.True(Volatile.Read(ref written) > 0);
        Assert.All(verifications, v => Assert.True(v.Ok, string.Join("\n", v.Differences)));
    }

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task VerifyAsync_NewUniqueValueMeteredBetweenItsReads_NoDifference(string read)
    {
        var real = await azurite.NewTablesAsync(shards: 1);
        await new FactStore(real).AppendAsync([.. Enumerable.Range(0, 30).Select(i => UniqueCountRollupTests.Mapping("v-" + i, Start.AddHours(i), UniqueCountRollupTests.Cell(i % 10)))], Ct);
        PendingFact[] live = [UniqueCountRollupTests.Mapping("v-new", Start.AddHours(5).AddMinutes(3), UniqueCountRollupTests.Cell(77))]; // a marker and its counter

        var verification = await VerifyAsync(real, "tenant-map", read, () => new FactStore(real).AppendAsync(live, Ct));

        Assert.True(verification.Ok, string.Join("\n", verification.Differences)); // before: an extra marker and a month counter ahead of the facts
    }

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task VerifyAsync_TamperedRowsAndFactsWhileMeteringWritesTheSameRows_ExactlyTheTamperingReported(string read)
    {
        var real = await azurite.NewTablesAsync(shards: 1);
        var facts = Enumerable.Range(0, 20).Select(i => Carrier(i, Start.AddHours(i * 5))).ToList(); // over four days
        await new FactStore(real).AppendAsync(facts, Ct);
        string pk = FactStore.ShardPartitionKey("carrier-tmo", 0);
        string month = RollupCodec.RowKey(UsageWindow.Month, Start);
        var row = (await real.Facts.GetEntityAsync<TableEntity>(pk, month)).Value;
        row["S0"] = row.GetString("S0") + "7"; // a month sum, ten times and a bit
        await real.Facts.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace);
        await real.Facts.DeleteEntityAsync(pk, Day(Start.AddDays(2)));
        var (changed, deleted) = (facts[7].Fact, facts[17].Fact);
        await real.Facts.UpdateEntityAsync(new TableEntity(pk, FactStore.TimeRowKey(changed.Time, changed.Source, changed.Id)) { ["Bytes"] = 5L }, Azure.ETag.All, TableUpdateMode.Merge);
        await real.Facts.DeleteEntityAsync(pk, FactStore.TimeRowKey(deleted.Time, deleted.Source, deleted.Id));
        // Metering counts a session in the changed fact's hour (and so its day and the month) while verify reads.
        PendingFact[] live = [Carrier(98, changed.Time.AddMinutes(10))];

        var verification = await VerifyAsync(real, "carrier-tmo", read, () => new FactStore(real).AppendAsync(live, Ct));

        string[] expected =
        [
            $"{month} different", $"{Day(Start.AddDays(2))} missing",
            $"{Hour(changed.Time)} different", $"{Day(changed.Time)} different",
            $"{Hour(deleted.Time)} extra", $"{Day(deleted.Time)} different", // the deleted fact was alone in its hour
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), verification.Differences.Select(d => $"{d.RowKey} {d.Kind}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Reads))]
    public async Task VerifyAsync_TamperedMarkersWhileMeteringAddsOne_ExactlyTheTamperingReported(string read)
    {
        var real = await azurite.NewTablesAsync(shards: 1);
        await new FactStore(real).AppendAsync([.. Enumerable.Range(0, 30).Select(i => UniqueCountRollupTests.Mapping("v-" + i, Start.AddHours(i), UniqueCountRollupTests.Cell(i % 10)))], Ct);
        string pk = FactStore.ShardPartitionKey("tenant-map", 0);
        string removed = UniqueMarkerCodec.Of(UniqueCountRollupTests.Mapping("v-3", Start.AddHours(3), UniqueCountRollupTests.Cell(3)).Fact).Single().RowKey;
        await real.Facts.DeleteEntityAsync(pk, removed);
        string planted = "u|202610|mapping.unique_cells|%hplanted";
        await real.Facts.AddEntityAsync(new TableEntity(pk, planted) { ["Meter"] = "mapping.unique_cells" });
        PendingFact[] live = [UniqueCountRollupTests.Mapping("v-new", Start.AddHours(5).AddMinutes(3), UniqueCountRollupTests.Cell(77))];

        var verification = await VerifyAsync(real, "tenant-map", read, () => new FactStore(real).AppendAsync(live, Ct));

        Assert.Equal(
            new[] { $"{removed} missing", $"{planted} extra" }.Order(StringComparer.Ordinal),
            verification.Differences.Select(d => $"{d.RowKey} {d.Kind}").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("'r|m|202610'", 10)] // metering rewrites the month row after each of its reads: its ETag changes at every check
    [InlineData("RowKey ge 't|", 1)] // a tenth more than metering adds at every check
    [InlineData("RowKey ge 't|", -4)] // four sessions less than metering adds between the facts and the row at every check
    public async Task VerifyAsync_MonthSumChangedWhileMeteringRewritesItAtEveryCheck_Reported(string read, int tenths)
    {
        var real = await azurite.NewTablesAsync(shards: 1);
        await new FactStore(real).AppendAsync([.. Enumerable.Range(0, 20).Select(i => Carrier(2 * i, Start.AddHours(i)))], Ct); // wlan sessions
        string pk = FactStore.ShardPartitionKey("carrier-tmo", 0);
        string month = RollupCodec.RowKey(UsageWindow.Month, Start);
        var row = (await real.Facts.GetEntityAsync<TableEntity>(pk, month)).Value;
        var stored = RollupCodec.FromEntity(row);
        var (key, sum) = stored.Sums.MaxBy(kv => kv.Value); // the wlan bytes, which every metered session adds to
        var changed = new RollupBucket(UsageWindow.Month, Start, stored.Detail);
        foreach (var (k, q) in stored.Sums)
        {
            changed.Add(k, k == key ? (tenths > 0 ? sum * 11 / 10 : sum - (4 * 1200)) : q);
        }

        await real.Facts.UpdateEntityAsync(RollupCodec.ToEntity(pk, changed), row.ETag, TableUpdateMode.Replace);
        int next = 100;

        var verification = await VerifyAsync(real, "carrier-tmo", read,
            () => new FactStore(real).AppendAsync([Carrier(2 * Interlocked.Increment(ref next), Start.AddHours(3).AddMinutes(next))], Ct), times: 10);

        Assert.True(next > 100);
        Assert.Equal([$"{month} different"], verification.Differences.Select(d => $"{d.RowKey} {d.Kind}"));
    }

    [Fact]
    public async Task VerifyAsync_MeteringRewritesTheMonthRowAtEveryCheck_OkAndTheRowListedUnsettled()
    {
        var real = await azurite.NewTablesAsync(shards: 1);
        await new FactStore(real).AppendAsync([.. Enumerable.Range(0, 20).Select(i => Carrier(i, Start.AddHours(i)))], Ct);
        string month = RollupCodec.RowKey(UsageWindow.Month, Start);
        var quiet = await new RollupMaintenance(new FactStore(real), TimeProvider.System).VerifyAsync("carrier-tmo", October, Ct);
        int next = 100;

        var verification = await VerifyAsync(real, "carrier-tmo", $"'{month}'",
            () => new FactStore(real).AppendAsync([Carrier(Interlocked.Increment(ref next), Start.AddHours(3).AddMinutes(next % 60))], Ct), times: 10);

        Assert.Equal((true, 0), (quiet.Ok, quiet.Unsettled.Count));
        Assert.True(verification.Ok, string.Join("\n", verification.Differences));
        // Before: nothing said that the month row was let go unchecked after its three checks.
        Assert.Contains(verification.Unsettled, u => u.RowKey == month && u.Shard == 0);
        var after = await new RollupMaintenance(new FactStore(real), TimeProvider.System).VerifyAsync("carrier-tmo", October, Ct);
        Assert.Equal((true, 0), (after.Ok, after.Unsettled.Count)); // once metering stops, it is checked
    }

    [Fact]
    public async Task VerifyAsync_ManyMarkersMissing_ReadAgainOnceNotOneByOne()
    {
        var real = await azurite.NewTablesAsync(shards: 1);
        var mappings = Enumerable.Range(0, 40).Select(i => UniqueCountRollupTests.Mapping("v-" + i, Start.AddHours(i), UniqueCountRollupTests.Cell(i))).ToList();
        await new FactStore(real).AppendAsync(mappings, Ct);
        string pk = FactStore.ShardPartitionKey("tenant-map", 0);
        var removed = mappings.SelectMany(m => UniqueMarkerCodec.Of(m.Fact)).Select(m => m.RowKey).ToList();
        foreach (var rk in removed)
        {
            await real.Facts.DeleteEntityAsync(pk, rk); // all of them: a month whose facts predate markers looks the same
        }

        var (tables, pointReads) = InterleavingTables.Create(azurite.ConnectionString, real, "RowKey='u|", () => Task.CompletedTask, times: 0);
        var verification = await new RollupMaintenance(new FactStore(tables), TimeProvider.System).VerifyAsync("tenant-map", October, Ct);

        Assert.Equal(removed.Order(StringComparer.Ordinal), verification.Differences.Where(d => d.Kind == "missing").Select(d => d.RowKey).Order(StringComparer.Ordinal));
        Assert.Equal(0, pointReads.Matched); // before: one point read per missing marker
    }
}
