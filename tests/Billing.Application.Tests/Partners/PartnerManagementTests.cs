using Billing.Domain.Pricing;

namespace Billing.Application.Tests.Partners;

/// <summary>Partner management on Azurite with a fixed clock: keys, overlap, disable/enable, plan changes, validation, the audit trail.</summary>
[Collection(AzuriteCollection.Name)]
public class PartnerManagementTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private static readonly Partner Finance = new("finance", PartnerRole.Finance, null);

    private sealed record Setup(PartnerManagement Management, PartnerDirectory Directory, PartnerStore Store, FakeTimeProvider Clock, BillingTables Tables);

    /// <summary>The shipped plans, and <c>carrier-euro-v1</c>: the carrier plan billed in EUR (an operator's own plan).</summary>
    public static PlanCatalog Plans() => PlanCatalog.Load(
        Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions", "plans"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => KeyValuePair.Create(Path.GetFileName(f), File.ReadAllText(f)))
            .Append(KeyValuePair.Create("carrier-euro-v1.json", File.ReadAllText(Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions", "plans", "carrier-standard-v1.json"))
                .Replace("carrier-standard-v1", "carrier-euro-v1", StringComparison.Ordinal).Replace("\"USD\"", "\"EUR\"", StringComparison.Ordinal))),
        Billing.Domain.Definitions.EventDefinitions.Load(
            Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions", "meters"), "*.json").Order(StringComparer.Ordinal)
                .Select(f => KeyValuePair.Create(Path.GetFileName(f), File.ReadAllText(f)))).Meters.Dimensions);

    private async Task<Setup> NewAsync(TimeSpan? cacheTtl = null)
    {
        var tables = await azurite.NewTablesAsync();
        var store = new PartnerStore(tables);
        var clock = new FakeTimeProvider(Now);
        var options = Options.Create(new PartnerOptions { CacheTtl = cacheTtl ?? TimeSpan.FromSeconds(30), KeyRotationOverlap = TimeSpan.FromHours(24) });
        var directory = new PartnerDirectory(store, options, clock, NullLogger<PartnerDirectory>.Instance);
        var management = new PartnerManagement(store, directory, Plans(), options, clock, NullLogger<PartnerManagement>.Instance);
        return new Setup(management, directory, store, clock, tables);
    }

    private static PartnerDraft Carrier(string id) => new(id, "carrier", "carrier-standard-v1", "Carrier " + id, "billing@" + id + ".example", null);

    [Fact]
    public async Task CreateAsync_NewPartner_KeyAuthenticatesAndOnlyItsHashIsStored()
    {
        var s = await NewAsync();

        var created = await s.Management.CreateAsync(Finance, Carrier("carrier-new"), Ct);

        Assert.StartsWith(PartnerManagement.KeyPrefix, created.ApiKey, StringComparison.Ordinal);
        Assert.True(created.ApiKey.Length >= 40, created.ApiKey);
        Assert.Equal("carrier-new", (await s.Directory.AuthenticateAsync(created.ApiKey, Ct))?.Id);
        var stored = await s.Store.GetAsync("carrier-new", Ct);
        Assert.Equal(PartnerStore.HashKey(created.ApiKey), Assert.Single(stored!.Keys).Hash);
        Assert.Equal(Now, stored.CreatedAt);
    }

    [Fact]
    public async Task CreateAsync_ExistingId_ThrowsConflictAndKeepsTheFirst()
    {
        var s = await NewAsync();
        var first = await s.Management.CreateAsync(Finance, Carrier("carrier-dup"), Ct);

        var ex = await Assert.ThrowsAsync<PartnerConflictException>(() => s.Management.CreateAsync(Finance, Carrier("carrier-dup") with { DisplayName = "Other" }, Ct));

        Assert.Equal("id", ex.Field);
        Assert.Equal("Carrier carrier-dup", (await s.Store.GetAsync("carrier-dup", Ct))!.DisplayName);
        Assert.NotNull(await s.Directory.AuthenticateAsync(first.ApiKey, Ct));
    }

    [Theory]
    [InlineData("Carrier-Upper", "carrier", "carrier-standard-v1", "x@y.example", "id")]
    [InlineData("c", "carrier", "carrier-standard-v1", "x@y.example", "id")]
    [InlineData("carrier-x", "admin", null, "x@y.example", "role")]
    [InlineData("carrier-x", "carrier", null, "x@y.example", "plan")]
    [InlineData("carrier-x", "carrier", "nope-v1", "x@y.example", "plan")]
    [InlineData("carrier-x", "carrier", "compute-standard-v1", "x@y.example", "plan")]
    [InlineData("provider-x", "provider", "compute-standard-v1", null, "plan")]
    [InlineData("carrier-x", "carrier", "carrier-standard-v1", "not-an-email", "billingEmail")]
    [InlineData("carrier-x", "carrier", "carrier-standard-v1", null, "billingEmail")]
    public async Task CreateAsync_InvalidField_NamesTheField(string id, string role, string? plan, string? email, string field)
    {
        var s = await NewAsync();

        var ex = await Assert.ThrowsAsync<PartnerInputException>(() => s.Management.CreateAsync(Finance, new PartnerDraft(id, role, plan, "Name", email, null), Ct));

        Assert.Equal(field, Assert.Single(ex.Errors).Field);
        Assert.Null(await s.Store.GetAsync(id, Ct));
    }

    [Fact]
    public async Task RotateKeyAsync_OldKey_WorksUntilTheOverlapEndsThenFails_EvenWhenCached()
    {
        var s = await NewAsync(cacheTtl: TimeSpan.FromHours(1)); // a cache longer than the overlap's remainder must not extend it
        var created = await s.Management.CreateAsync(Finance, Carrier("carrier-rot"), Ct);

        var rotated = await s.Management.RotateKeyAsync(Finance, "carrier-rot", false, Ct);

        Assert.Equal(Now.AddHours(24), rotated.PreviousKeysValidUntil);
        Assert.NotNull(await s.Directory.AuthenticateAsync(rotated.ApiKey, Ct));
        s.Clock.Advance(TimeSpan.FromHours(23.5));
        Assert.NotNull(await s.Directory.AuthenticateAsync(created.ApiKey, Ct)); // cached now, for at most until the overlap ends
        s.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Null(await s.Directory.AuthenticateAsync(created.ApiKey, Ct));
        Assert.NotNull(await s.Directory.AuthenticateAsync(rotated.ApiKey, Ct));
    }

    [Fact]
    public async Task RotateKeyAsync_RevokePrevious_EveryEarlierKeyFailsAtOnceEvenWhenCachedAndTheAuditNamesThem()
    {
        var s = await NewAsync(cacheTtl: TimeSpan.FromHours(1));
        var created = await s.Management.CreateAsync(Finance, Carrier("carrier-leak"), Ct);
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        var first = await s.Management.RotateKeyAsync(Finance, "carrier-leak", false, Ct); // the created key is in its overlap
        Assert.NotNull(await s.Directory.AuthenticateAsync(created.ApiKey, Ct)); // both cached as valid
        Assert.NotNull(await s.Directory.AuthenticateAsync(first.ApiKey, Ct));
        s.Clock.Advance(TimeSpan.FromMinutes(1));

        var revoking = await s.Management.RotateKeyAsync(Finance, "carrier-leak", true, Ct);

        Assert.Null(revoking.PreviousKeysValidUntil);
        Assert.Equal([first.KeyId, created.Record.Keys[0].Id], revoking.RevokedKeyIds);
        Assert.Null(await s.Directory.AuthenticateAsync(created.ApiKey, Ct));
        Assert.Null(await s.Directory.AuthenticateAsync(first.ApiKey, Ct));
        Assert.NotNull(await s.Directory.AuthenticateAsync(revoking.ApiKey, Ct));
        Assert.Equal([revoking.KeyId], (await s.Store.GetAsync("carrier-leak", Ct))!.Keys.Select(k => k.Id));
        var entry = (await s.Management.AuditOfPartnerAsync("carrier-leak", null, 100, Ct)).Entries[^1];
        Assert.Equal("key-rotation", entry.Action);
        Assert.Contains(entry.Changes, c => c is { Field: "revokedKeys", Before: null } && c.After == first.KeyId + "," + created.Record.Keys[0].Id);
        Assert.Contains(entry.Changes, c => c is { Field: "previousKeysValidUntil", After: null });
    }

    [Fact]
    public async Task UpdateAsync_DisableThenEnable_KeysStopThenWorkAgain()
    {
        var s = await NewAsync();
        var created = await s.Management.CreateAsync(Finance, Carrier("carrier-dis"), Ct);
        Assert.NotNull(await s.Directory.AuthenticateAsync(created.ApiKey, Ct)); // cached as valid

        var disabled = await s.Management.UpdateAsync(Finance, "carrier-dis", new PartnerUpdate(null, null, null, null, "disabled"), Ct);

        Assert.Equal(PartnerStatus.Disabled, disabled.Partner.Status);
        Assert.Null(await s.Directory.AuthenticateAsync(created.ApiKey, Ct));
        await s.Management.UpdateAsync(Finance, "carrier-dis", new PartnerUpdate(null, null, null, null, "active"), Ct);
        Assert.NotNull(await s.Directory.AuthenticateAsync(created.ApiKey, Ct));
    }

    [Fact]
    public async Task UpdateAsync_FinanceDisablesItself_Conflict()
    {
        var s = await NewAsync();
        await s.Management.CreateAsync(Finance, new PartnerDraft("finance-b", "finance", null, "Finance B", null, null), Ct);

        var ex = await Assert.ThrowsAsync<PartnerConflictException>(() =>
            s.Management.UpdateAsync(new Partner("finance-b", PartnerRole.Finance, null), "finance-b", new PartnerUpdate(null, null, null, null, "disabled"), Ct));

        Assert.Equal("status", ex.Field);
    }

    [Fact]
    public async Task UpdateAsync_PlanChange_AppliesFromTheNextPeriodOnly()
    {
        var s = await NewAsync();
        await s.Management.CreateAsync(Finance, new PartnerDraft("tenant-plan", "tenant", "compute-standard-v1", "Tenant", "t@t.example", null), Ct);
        var november = BillingPeriod.Containing(Now);

        // Back to the same plan is no change; a carrier plan does not fit a tenant.
        await Assert.ThrowsAsync<PartnerInputException>(() => s.Management.UpdateAsync(Finance, "tenant-plan", new PartnerUpdate("carrier-standard-v1", null, null, null, null), Ct));
        var same = await s.Management.UpdateAsync(Finance, "tenant-plan", new PartnerUpdate("compute-standard-v1", null, null, null, null), Ct);
        Assert.Empty(same.Partner.PlanChanges);

        var changed = await s.Management.UpdateAsync(Finance, "tenant-plan", new PartnerUpdate("compute-standard-v1", "Tenant Two", null, null, null), Ct);
        Assert.Equal("Tenant Two", changed.DisplayName);
        var partner = (await s.Store.GetAsync("tenant-plan", Ct))!.Partner;
        var (current, pending) = PartnerManagement.Plans(partner, Now);
        Assert.Equal("compute-standard-v1", current);
        Assert.Null(pending);
        Assert.Equal("compute-standard-v1", partner.PlanFor(november.Next));
    }

    [Fact]
    public async Task UpdateAsync_PlanInAnotherCurrency_ConflictNamingPlanAndNothingChanges()
    {
        var s = await NewAsync();
        await s.Management.CreateAsync(Finance, Carrier("carrier-usd"), Ct);

        var ex = await Assert.ThrowsAsync<PartnerConflictException>(() => s.Management.UpdateAsync(Finance, "carrier-usd", new PartnerUpdate("carrier-euro-v1", null, null, null, null), Ct));

        // Before: accepted, and from the first correction of a USD month on, every close of the payer failed (a USD line on a EUR invoice).
        Assert.Equal("plan", ex.Field);
        Assert.Contains("bills in EUR, and carrier-usd is billed in USD", ex.Message, StringComparison.Ordinal);
        Assert.Empty((await s.Store.GetAsync("carrier-usd", Ct))!.Partner.PlanChanges);
    }

    [Fact]
    public async Task Audit_EveryAction_RecordsActorActionAndFields_NeverAKey()
    {
        var s = await NewAsync();
        var created = await s.Management.CreateAsync(Finance, Carrier("carrier-aud"), Ct);
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.Management.UpdateAsync(Finance, "carrier-aud", new PartnerUpdate(null, "Renamed", "new@aud.example", "cus_ABC123", null), Ct);
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.Management.UpdateAsync(Finance, "carrier-aud", new PartnerUpdate(null, null, null, null, "disabled"), Ct);
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.Management.UpdateAsync(Finance, "carrier-aud", new PartnerUpdate(null, null, null, null, "active"), Ct);
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        var rotated = await s.Management.RotateKeyAsync(Finance, "carrier-aud", false, Ct);
        await s.Management.CreateAsync(Finance, Carrier("carrier-other-aud"), Ct);

        var page = await s.Management.AuditOfPartnerAsync("carrier-aud", null, 100, Ct);

        Assert.Equal(["create", "profile-change", "disable", "enable", "key-rotation"], page.Entries.Select(e => e.Action));
        Assert.All(page.Entries, e => Assert.Equal("finance", e.Actor));
        Assert.All(page.Entries, e => Assert.Equal("carrier-aud", e.PartnerId));
        Assert.Contains(page.Entries[1].Changes, c => c is { Field: "displayName", Before: "Carrier carrier-aud", After: "Renamed" });
        Assert.Contains(page.Entries[2].Changes, c => c is { Field: "status", Before: "active", After: "disabled" });
        string all = string.Join("|", page.Entries.SelectMany(e => e.Changes).Select(c => c.ToString()));
        foreach (string secret in new[] { created.ApiKey, rotated.ApiKey, PartnerStore.HashKey(created.ApiKey), PartnerStore.HashKey(rotated.ApiKey) })
        {
            Assert.DoesNotContain(secret, all, StringComparison.Ordinal);
        }

        // Paging by time: two of the six records per page, in order, then the rest.
        var first = await s.Management.AuditAsync(Now.AddDays(-1), Now.AddDays(1), null, 2, Ct);
        var second = await s.Management.AuditAsync(Now.AddDays(-1), Now.AddDays(1), first.Next, 10, Ct);
        Assert.Equal(6, first.Entries.Count + second.Entries.Count);
        Assert.Null(second.Next);
        Assert.Equal(["create", "profile-change"], first.Entries.Select(e => e.Action));
        Assert.Empty((await s.Management.AuditAsync(Now.AddDays(1), Now.AddDays(2), null, 10, Ct)).Entries);
    }

    [Fact]
    public async Task UpsertAsync_ReseedingSameSettings_KeepsApiPartnersStatusPlansAndRotatedKeys()
    {
        var s = await NewAsync();
        var seed = new PartnerRegistration(new Partner("tenant-seed", PartnerRole.Tenant, "compute-standard-v1"), "seed-key-tenant-0001") { At = Now };
        await s.Store.UpsertAsync(seed, Ct);
        await s.Management.CreateAsync(Finance, Carrier("carrier-api"), Ct);
        await s.Management.UpdateAsync(Finance, "tenant-seed", new PartnerUpdate(null, "Seeded", null, null, "disabled"), Ct);
        var rotated = await s.Management.RotateKeyAsync(Finance, "tenant-seed", false, Ct);

        await s.Store.UpsertAsync(seed with { At = Now.AddDays(1) }, Ct); // a restart with the same settings

        var records = (await s.Store.ListRecordsAsync(Ct)).Items;
        Assert.Equal(["carrier-api", "tenant-seed"], records.Select(r => r.Partner.Id).Order(StringComparer.Ordinal));
        var tenant = records.Single(r => r.Partner.Id == "tenant-seed");
        Assert.Equal((PartnerStatus.Disabled, "Seeded", Now), (tenant.Partner.Status, tenant.DisplayName, tenant.CreatedAt));
        Assert.Equal(PartnerStore.HashKey(rotated.ApiKey), tenant.Keys[0].Hash);
    }

    /// <summary>One row the registry cannot parse must not take the others down: validation's snapshot and every other key go on.</summary>
    [Fact]
    public async Task RefreshAsync_OnePartnerRowUnparseable_OthersFoundAndAuthenticated()
    {
        var s = await NewAsync();
        var carrier = await s.Management.CreateAsync(Finance, Carrier("carrier-good"), Ct);
        var tenant = await s.Management.CreateAsync(Finance, new PartnerDraft("tenant-bad", "tenant", "compute-standard-v1", "Tenant", "b@t.example", null), Ct);
        await s.Tables.Partners.UpdateEntityAsync(new TableEntity("p", "tenant-bad") { ["Status"] = "Suspended" }, Azure.ETag.All, TableUpdateMode.Merge);

        await s.Directory.RefreshAsync(Ct);

        Assert.Equal(PartnerRole.Carrier, s.Directory.Find("carrier-good")?.Role);
        Assert.Null(s.Directory.Find("tenant-bad"));
        Assert.True(s.Directory.IsUnreadable("tenant-bad"));
        Assert.False(s.Directory.IsUnreadable("carrier-good"));
        Assert.Equal("carrier-good", (await s.Directory.AuthenticateAsync(carrier.ApiKey, Ct))?.Id);
        await Assert.ThrowsAsync<InvalidDataException>(() => s.Directory.AuthenticateAsync(tenant.ApiKey, Ct));
    }
}
