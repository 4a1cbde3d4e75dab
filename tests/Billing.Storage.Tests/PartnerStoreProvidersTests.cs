namespace Billing.Storage.Tests;

/// <summary>
/// A payer's providers in the registry row: stored and read back, none on a row written before grants, and seeded from
/// settings when the configured list changes (audited), so a grant changed through the API survives a restart.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class PartnerStoreProvidersTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static PartnerRegistration Seed(params string[] providers) =>
        new(new Partner("tenant-lab", PartnerRole.Tenant, "compute-standard-v1") { Providers = providers }, "k-tenant-lab-00001");

    private static async Task<List<AuditChange>> ProviderChangesAsync(PartnerStore store) =>
        [.. (await store.AuditOfPartnerAsync("tenant-lab", null, 100, Ct)).Entries.SelectMany(e => e.Changes).Where(c => c.Field == PartnerAuditChain.ProvidersField)];

    [Fact]
    public async Task UpsertAsync_ConfiguredProvidersChanged_InstalledAndAudited_SameSettingsLeaveAnApiChange()
    {
        var store = new PartnerStore(await azurite.NewTablesAsync());

        await store.UpsertAsync(Seed("provider-nodeops"), Ct);
        var seeded = (await store.GetAsync("tenant-lab", Ct))!;
        Assert.True(await store.UpdateAsync(seeded, seeded with { Partner = seeded.Partner with { Providers = [] } },
            [new PartnerAuditEntry(PartnerAuditEntry.NewId(DateTimeOffset.UtcNow, 0), DateTimeOffset.UtcNow, "finance", "tenant-lab", "providers-change", [new("providers", """["provider-nodeops"]""", null)])], Ct));
        await store.UpsertAsync(Seed("provider-nodeops"), Ct); // a restart with the same settings
        var afterRestart = (await store.GetAsync("tenant-lab", Ct))!;
        await store.UpsertAsync(Seed("provider-nodeops", "provider-render"), Ct); // the settings changed
        var changed = (await store.GetAsync("tenant-lab", Ct))!;

        Assert.Equal(["provider-nodeops"], seeded.Partner.Providers);
        Assert.Empty(afterRestart.Partner.Providers); // finance's revocation stands
        Assert.Equal(["provider-nodeops", "provider-render"], changed.Partner.Providers);
        Assert.Equal(
            [new AuditChange("providers", null, """["provider-nodeops"]"""), new AuditChange("providers", """["provider-nodeops"]""", null), new AuditChange("providers", null, """["provider-nodeops","provider-render"]""")],
            await ProviderChangesAsync(store));
    }

    [Fact]
    public async Task UpsertAsync_ConfiguredProvidersRevokedToNone_NoneStoredAndAuditedOnce()
    {
        var store = new PartnerStore(await azurite.NewTablesAsync());

        await store.UpsertAsync(Seed("provider-nodeops"), Ct);
        await store.UpsertAsync(Seed(), Ct); // the settings revoke the grant: none
        var revoked = (await store.GetAsync("tenant-lab", Ct))!;
        await store.UpsertAsync(Seed(), Ct); // a restart with the same settings
        var afterRestart = (await store.GetAsync("tenant-lab", Ct))!;

        Assert.Empty(revoked.Partner.Providers);
        Assert.Null(revoked.SeedProviders);
        Assert.Empty(afterRestart.Partner.Providers);
        Assert.Equal(revoked.AuditCount, afterRestart.AuditCount); // nothing more to record
        Assert.Equal(
            [new AuditChange("providers", null, """["provider-nodeops"]"""), new AuditChange("providers", """["provider-nodeops"]""", null)],
            await ProviderChangesAsync(store));
    }

    [Fact]
    public async Task GetAsync_RowWrittenBeforeGrants_NoProviders()
    {
        var store = new PartnerStore(await azurite.NewTablesAsync());
        await store.UpsertAsync(Seed(), Ct); // writes no Providers property, as every row before grants

        Assert.Empty((await store.GetAsync("tenant-lab", Ct))!.Partner.Providers);
        Assert.Empty(await ProviderChangesAsync(store)); // no grant, nothing to audit
    }

    [Fact]
    public async Task GetAsync_ProvidersNotTheJsonWritten_UnreadableNamingTheProperty()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new PartnerStore(tables);
        await store.UpsertAsync(Seed("provider-nodeops"), Ct);
        await tables.Partners.UpdateEntityAsync(new TableEntity("p", "tenant-lab") { ["Providers"] = "provider-nodeops,provider-evil" }, ETag.All, TableUpdateMode.Merge);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync("tenant-lab", Ct));
        Assert.Contains("'Providers'", ex.Message, StringComparison.Ordinal);
    }
}
