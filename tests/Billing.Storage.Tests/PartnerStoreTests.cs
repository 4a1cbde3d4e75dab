using Azure.Data.Tables;
using Billing.Domain.Partners;

namespace Billing.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public class PartnerStoreTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task AuthenticateAsync_RightKey_ReturnsPartner_WrongKey_ReturnsNull()
    {
        var store = new PartnerStore(await azurite.NewTablesAsync());
        await store.UpsertAsync(new PartnerRegistration(new Partner("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1"), "dev-carrier-tmo-key"), CancellationToken.None);

        Assert.Equal(new Partner("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1"), (await store.AuthenticateAsync("dev-carrier-tmo-key", DateTimeOffset.UtcNow, CancellationToken.None))?.Partner);
        Assert.Null((await store.AuthenticateAsync("dev-carrier-tmo-key ", DateTimeOffset.UtcNow, CancellationToken.None))?.Partner);
        Assert.Null((await store.AuthenticateAsync("", DateTimeOffset.UtcNow, CancellationToken.None))?.Partner);
    }

    [Fact]
    public async Task UpsertAsync_StoresOnlyTheKeyHash()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new PartnerStore(tables);
        await store.UpsertAsync(new PartnerRegistration(new Partner("finance", PartnerRole.Finance, null), "dev-finance-key"), CancellationToken.None);

        await foreach (var row in tables.Partners.QueryAsync<TableEntity>())
        {
            Assert.DoesNotContain(row, kv => kv.Value is string s && s.Contains("dev-finance-key", StringComparison.Ordinal));
            Assert.DoesNotContain("dev-finance-key", row.RowKey, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UpsertAsync_KeyRotation_OldKeyStopsWorking()
    {
        var store = new PartnerStore(await azurite.NewTablesAsync());
        var partner = new Partner("tenant-lab", PartnerRole.Tenant, "compute-standard-v1");
        await store.UpsertAsync(new PartnerRegistration(partner, "old-key-0123456"), CancellationToken.None);

        await store.UpsertAsync(new PartnerRegistration(partner, "new-key-0123456"), CancellationToken.None);

        Assert.Null((await store.AuthenticateAsync("old-key-0123456", DateTimeOffset.UtcNow, CancellationToken.None))?.Partner);
        Assert.Equal(partner, (await store.AuthenticateAsync("new-key-0123456", DateTimeOffset.UtcNow, CancellationToken.None))?.Partner);
        Assert.Single(await store.ListAsync(CancellationToken.None));
    }
}
