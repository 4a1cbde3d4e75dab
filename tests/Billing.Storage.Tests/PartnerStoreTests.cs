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
    public async Task AuthenticateAsync_RowRemovedOutsideTheTrailLeft_ThrowsRowMissing_WithTheTrailGoneToo_Null()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new PartnerStore(tables);
        await store.UpsertAsync(new PartnerRegistration(new Partner("carrier-gone", PartnerRole.Carrier, "carrier-standard-v1"), "gone-key-0123456"), CancellationToken.None);
        await tables.Partners.DeleteEntityAsync("p", "carrier-gone", ETag.All); // as someone with write access to storage could

        Assert.True(await store.HasAuditTrailAsync("carrier-gone", CancellationToken.None));
        await Assert.ThrowsAsync<PartnerRowMissingException>(() => store.AuthenticateAsync("gone-key-0123456", DateTimeOffset.UtcNow, CancellationToken.None));

        await foreach (var e in tables.Partners.QueryAsync<TableEntity>("PartitionKey eq 'p'", select: ["RowKey"]))
        {
            await tables.Partners.DeleteEntityAsync("p", e.RowKey, ETag.All);
        }

        Assert.False(await store.HasAuditTrailAsync("carrier-gone", CancellationToken.None));
        Assert.Null(await store.AuthenticateAsync("gone-key-0123456", DateTimeOffset.UtcNow, CancellationToken.None)); // a key row alone: unknown
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
        Assert.Single((await store.ListAsync(CancellationToken.None)).Items);
    }

    [Fact]
    public async Task UpsertAsync_NewSeed_AuditedAndChainedFromGenesis_StripeCustomerChainsAfterIt()
    {
        var store = new PartnerStore(await azurite.NewTablesAsync());
        var at = new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
        await store.UpsertAsync(new PartnerRegistration(new Partner("carrier-seed", PartnerRole.Carrier, "carrier-standard-v1"), "seed-key-carrier-0001") { At = at }, CancellationToken.None);

        await store.SetStripeCustomerAsync("carrier-seed", "cus_SEEDED", at.AddDays(1), CancellationToken.None);

        var entries = (await store.AuditOfPartnerAsync("carrier-seed", null, 10, CancellationToken.None)).Entries;
        Assert.Equal([("seed", PartnerAuditEntry.SettingsActor, 1L), ("stripe-customer", PartnerAuditEntry.StripeActor, 2L)], entries.Select(e => (e.Action, e.Actor, e.Sequence)));
        Assert.Equal(["role", "plan", "status", "keyId", "keyDigest"], entries[0].Changes.Select(c => c.Field));
        Assert.Equal(PartnerAuditChain.GenesisHash, entries[0].PreviousHash);
        Assert.Equal(entries[0].Hash, entries[1].PreviousHash);
        var row = await store.GetAsync("carrier-seed", CancellationToken.None);
        Assert.Equal(("cus_SEEDED", entries[1].Hash, (long?)2), (row!.StripeCustomerId, row.AuditHead, row.AuditCount));
    }

    [Fact]
    public async Task GetAsync_NumbersPlantedInTextProperties_ReadAsUnsetInsteadOfThrowing()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new PartnerStore(tables);
        await store.UpsertAsync(new PartnerRegistration(new Partner("tenant-typed", PartnerRole.Tenant, "compute-standard-v1"), "seed-key-tenant-0001"), CancellationToken.None);
        await tables.Partners.UpdateEntityAsync(new TableEntity("p", "tenant-typed") { ["PlanId"] = 42, ["AuditHead"] = 7, ["AuditCount"] = "one" }, Azure.ETag.All, TableUpdateMode.Merge);

        var row = await store.GetAsync("tenant-typed", CancellationToken.None);

        Assert.Equal((null, null, (long?)null), (row!.Partner.PlanId, row.AuditHead, row.AuditCount));
        Assert.Single((await store.ListRecordsAsync(CancellationToken.None)).Items);
    }
}
