using Billing.Application.Startup;

namespace Billing.Application.Tests.Startup;

/// <summary>What the host does before it serves: tables, local seeding, the registry snapshot, on Azurite.</summary>
[Collection(AzuriteCollection.Name)]
public class StartupInitializerTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task InitializeAsync_SeededPartnersRowUnparseable_LeftAsFoundOthersSeededAndServed()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new PartnerStore(tables);
        await store.UpsertAsync(new PartnerRegistration(new Partner("carrier-bad", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-bad-00001"), CancellationToken.None);
        await tables.Partners.UpdateEntityAsync(new TableEntity("p", "carrier-bad") { ["PlanChanges"] = "[{" }, Azure.ETag.All, TableUpdateMode.Merge);
        var options = Options.Create(new PartnerOptions
        {
            Seed = true,
            Items =
            [
                new PartnerSeed { Id = "carrier-bad", Role = PartnerRole.Carrier, ApiKey = "k-carrier-bad-00001", PlanId = "carrier-standard-v1" },
                new PartnerSeed { Id = "tenant-new", Role = PartnerRole.Tenant, ApiKey = "k-tenant-new-00001", PlanId = "compute-standard-v1" },
            ],
        });
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var directory = new PartnerDirectory(store, options, clock, NullLogger<PartnerDirectory>.Instance);
        var startup = new StartupInitializer(tables, new LedgerStore(tables), new AnchorStore(tables), store, directory, options, clock, NullLogger<StartupInitializer>.Instance);

        await startup.InitializeAsync(CancellationToken.None);

        Assert.Equal(PartnerRole.Tenant, directory.Find("tenant-new")?.Role);
        Assert.Null(directory.Find("carrier-bad"));
        Assert.Equal("[{", (await tables.Partners.GetEntityAsync<TableEntity>("p", "carrier-bad")).Value.GetString("PlanChanges"));
    }
}
