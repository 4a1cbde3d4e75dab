using Billing.Application.Startup;
using Billing.Tests.Shared;

namespace Billing.Application.Tests.Startup;

/// <summary>
/// The fact shard count is part of every fact's dedup key and where every read looks for facts: the first start records
/// it in storage, and a start configured with another count refuses to start (on Azurite).
/// </summary>
[Collection(AzuriteCollection.Name)]
public class StartupInitializerFactShardsTests(AzuriteFixture azurite)
{
    /// <summary>The same tables as <paramref name="tables"/> (same prefix), as an instance configured with <paramref name="shards"/> sees them.</summary>
    private static BillingTables WithShards(BillingTables tables, int shards) =>
        new(tables.Service, new StorageOptions { ConnectionString = tables.Options.ConnectionString, TablePrefix = tables.Options.TablePrefix, FactShards = shards });

    /// <summary>One start of the host over <paramref name="tables"/>, seeding nothing.</summary>
    private static async Task StartAsync(BillingTables tables)
    {
        var store = new PartnerStore(tables);
        var options = Options.Create(new PartnerOptions());
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 10, 20, 0, 0, 0, TimeSpan.Zero));
        using var directory = new PartnerDirectory(store, options, clock, NullLogger<PartnerDirectory>.Instance);
        await new StartupInitializer(tables, new LedgerStore(tables, TestSeals.Keys), new AnchorStore(tables), store, directory, options, clock, NullLogger<StartupInitializer>.Instance)
            .InitializeAsync(CancellationToken.None);
    }

    private static async Task<long?> RecordedAsync(BillingTables tables)
    {
        var row = await tables.Facts.GetEntityIfExistsAsync<TableEntity>("config", "fact-shards");
        return row.HasValue ? Convert.ToInt64(row.Value!["FactShards"], System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    [Fact]
    public async Task InitializeAsync_FirstStart_RecordsTheConfiguredFactShards()
    {
        var tables = await azurite.NewTablesAsync(shards: 8);

        await StartAsync(tables);

        Assert.Equal(8, await RecordedAsync(tables)); // before: nothing recorded, so nothing to compare a later start with
    }

    // Upgraded from a version that recorded nothing: the count then in force is taken.
    [Fact]
    public async Task InitializeAsync_FactsStoredBeforeAnyRecord_RecordsTheConfiguredFactShards()
    {
        var tables = await azurite.NewTablesAsync(shards: 4);
        await new FactStore(tables).AppendAsync([SampleFacts.Carrier("before-1", 1_000)], CancellationToken.None);

        await StartAsync(tables);

        Assert.Equal(4, await RecordedAsync(tables));
    }

    [Fact]
    public async Task InitializeAsync_SameFactShardsAgain_Starts()
    {
        var tables = await azurite.NewTablesAsync(shards: 8);
        await StartAsync(tables);

        await StartAsync(WithShards(tables, 8));

        Assert.Equal(8, await RecordedAsync(tables));
    }

    // Raised: redeliveries land in new claim partitions and count twice. Lowered: facts of the shards past it vanish from
    // every read and close, and the next close issues negative adjustments. Before: the start went on either way.
    [Theory]
    [InlineData(16)]
    [InlineData(4)]
    public async Task InitializeAsync_AnotherFactShardsThanRecorded_RefusesNamingTheSettingBothValuesAndWhatToDo(int configured)
    {
        var tables = await azurite.NewTablesAsync(shards: 8);
        await StartAsync(tables);

        var ex = await Record.ExceptionAsync(() => StartAsync(WithShards(tables, configured)));

        Assert.NotNull(ex);
        Assert.Equal(
            $"Billing:Storage:FactShards is {configured}, but this deployment's facts are stored in 8 shards per payer (recorded at its first start in " +
            $"table '{tables.Options.TablePrefix}facts', partition 'config', row 'fact-shards'). The count is part of every fact's dedup key and " +
            "where reads look for facts: with another count, redelivered events would be counted twice and stored facts left out of usage and closes. " +
            "Set Billing:Storage:FactShards to 8 on every instance; another count needs new storage (another Billing:Storage:TablePrefix or account)",
            ex.Message);
        Assert.Equal(8, await RecordedAsync(tables));
    }

    // Two instances starting together (a rolling deployment of a changed count): one count is recorded, the other refuses.
    [Fact]
    public async Task InitializeAsync_TwoInstancesWithDifferentCountsStartTogether_OneIsRecordedAndTheOtherRefuses()
    {
        var tables = await azurite.NewTablesAsync(shards: 8);
        var other = WithShards(tables, 16);

        var starts = await Task.WhenAll(new[] { tables, other }.Select(t => Record.ExceptionAsync(() => StartAsync(t))));

        long? recorded = await RecordedAsync(tables);
        Assert.Contains(recorded, new long?[] { 8, 16 });
        Assert.Null(starts[recorded == 8 ? 0 : 1]);
        Assert.Contains("Billing:Storage:FactShards", starts[recorded == 8 ? 1 : 0]?.Message, StringComparison.Ordinal);
    }
}
