using Billing.Application.Startup;
using Microsoft.Extensions.Logging;

namespace Billing.Application.Tests.Startup;

/// <summary>What the host does before it serves: tables, local seeding, the registry snapshot, on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public class StartupInitializerTests(AzuriteFixture azurite)
{
    private static readonly PartnerSeed NewTenant = new() { Id = "tenant-new", Role = PartnerRole.Tenant, ApiKey = "k-tenant-new-00001", PlanId = "compute-standard-v1" };

    /// <summary>The start-up of a host seeding <paramref name="seeds"/>, and its registry.</summary>
    private static (StartupInitializer Startup, PartnerDirectory Directory) Startup(BillingTables tables, PartnerStore store, ILogger<StartupInitializer> logger, params PartnerSeed[] seeds)
    {
        var options = Options.Create(new PartnerOptions { Seed = true, Items = [.. seeds] });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var directory = new PartnerDirectory(store, options, clock, NullLogger<PartnerDirectory>.Instance);
        return (new StartupInitializer(tables, new LedgerStore(tables), new AnchorStore(tables), store, directory, options, clock, logger), directory);
    }

    [Fact]
    public async Task InitializeAsync_SeededPartnersRowUnparseable_LeftAsFoundOthersSeededAndServed()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new PartnerStore(tables);
        await store.UpsertAsync(new PartnerRegistration(new Partner("carrier-bad", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-bad-00001"), CancellationToken.None);
        await tables.Partners.UpdateEntityAsync(new TableEntity("p", "carrier-bad") { ["PlanChanges"] = "[{" }, Azure.ETag.All, TableUpdateMode.Merge);
        var (startup, directory) = Startup(tables, store, NullLogger<StartupInitializer>.Instance,
            new PartnerSeed { Id = "carrier-bad", Role = PartnerRole.Carrier, ApiKey = "k-carrier-bad-00001", PlanId = "carrier-standard-v1" }, NewTenant);
        using var _ = directory;

        await startup.InitializeAsync(CancellationToken.None);

        Assert.Equal(PartnerRole.Tenant, directory.Find("tenant-new")?.Role);
        Assert.Null(directory.Find("carrier-bad"));
        Assert.Equal("[{", (await tables.Partners.GetEntityAsync<TableEntity>("p", "carrier-bad")).Value.GetString("PlanChanges"));
    }

    [Fact]
    public async Task InitializeAsync_SeededPartnersAuditCountPlantedAtTheMaximum_LeftAsFoundLoggedOthersSeededAndServed()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new PartnerStore(tables);
        await store.UpsertAsync(new PartnerRegistration(new Partner("carrier-max", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-max-00001"), CancellationToken.None);
        await tables.Partners.UpdateEntityAsync(new TableEntity("p", "carrier-max") { ["AuditCount"] = long.MaxValue }, Azure.ETag.All, TableUpdateMode.Merge);
        var logger = new ListLogger<StartupInitializer>();
        // A new key: seeding it appends an audit entry, whose sequence cannot follow the planted count.
        var (startup, directory) = Startup(tables, store, logger,
            new PartnerSeed { Id = "carrier-max", Role = PartnerRole.Carrier, ApiKey = "k-carrier-max-00002", PlanId = "carrier-standard-v1" }, NewTenant);
        using var _ = directory;

        // Before: an OverflowException, and the host did not start.
        await startup.InitializeAsync(CancellationToken.None);

        Assert.Equal(PartnerRole.Tenant, directory.Find("tenant-new")?.Role);
        var row = (await tables.Partners.GetEntityAsync<TableEntity>("p", "carrier-max")).Value;
        Assert.Equal((long.MaxValue, PartnerStore.HashKey("k-carrier-max-00001")), (row.GetInt64("AuditCount")!.Value, row.GetString("KeyHash")));
        var error = Assert.Single(logger.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains("carrier-max", error.Message, StringComparison.Ordinal);
        Assert.Contains("AuditCount", error.Message, StringComparison.Ordinal);
    }
}
