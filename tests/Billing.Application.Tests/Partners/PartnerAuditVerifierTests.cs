using Billing.Application.Partners;

namespace Billing.Application.Tests.Partners;

/// <summary>The audit hash chain written by partner management and seeding, and its verification, on Azurite: untouched data verifies, tampering around the API does not.</summary>
[Collection(AzuriteCollection.Name)]
public class PartnerAuditVerifierTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private static readonly Partner Finance = new("finance", PartnerRole.Finance, null);

    private sealed record Setup(PartnerManagement Management, PartnerAuditVerifier Verifier, PartnerStore Store, TableClient Table, FakeTimeProvider Clock);

    private async Task<Setup> NewAsync()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new PartnerStore(tables);
        var clock = new FakeTimeProvider(Now);
        var options = Options.Create(new PartnerOptions { CacheTtl = TimeSpan.FromSeconds(30), KeyRotationOverlap = TimeSpan.FromHours(24) });
        var directory = new PartnerDirectory(store, options, clock, NullLogger<PartnerDirectory>.Instance);
        var management = new PartnerManagement(store, directory, PartnerManagementTests.Plans(), options, clock, NullLogger<PartnerManagement>.Instance);
        return new Setup(management, new PartnerAuditVerifier(store), store, tables.Partners, clock);
    }

    /// <summary>A carrier with every kind of change: profile, plan change (and a second one replacing it), disable, enable, key rotation.</summary>
    private static async Task<CreatedPartner> BusyCarrierAsync(Setup s, string id)
    {
        var created = await s.Management.CreateAsync(Finance, new PartnerDraft(id, "carrier", "carrier-standard-v1", "Carrier " + id, $"billing@{id}.example", null), Ct);
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.Management.UpdateAsync(Finance, id, new PartnerUpdate(null, "Renamed", null, "cus_ABC123", null), Ct);
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.Management.UpdateAsync(Finance, id, new PartnerUpdate(null, null, null, null, "disabled"), Ct);
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.Management.UpdateAsync(Finance, id, new PartnerUpdate(null, null, null, null, "active"), Ct);
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.Management.RotateKeyAsync(Finance, id, Ct);
        return created;
    }

    private static async Task<IReadOnlyList<PartnerAuditEntry>> EntriesAsync(Setup s, string id) =>
        (await s.Store.AuditOfPartnerAsync(id, null, 1000, Ct)).Entries;

    private static string ByPartnerKey(string partnerId, string entryId) => "|a|p|" + partnerId + "|" + entryId;

    [Fact]
    public async Task Audit_CreateUpdateRotateKey_EachEntryLinksToThePreviousAndTheRowHoldsTheHead()
    {
        var s = await NewAsync();
        await BusyCarrierAsync(s, "carrier-chain");

        var entries = await EntriesAsync(s, "carrier-chain");
        var row = await s.Store.GetAsync("carrier-chain", Ct);

        Assert.Equal(["create", "profile-change", "disable", "enable", "key-rotation"], entries.Select(e => e.Action));
        string previous = PartnerAuditChain.GenesisHash;
        foreach (var (e, i) in entries.OrderBy(e => e.Sequence).Select((e, i) => (e, i)))
        {
            Assert.Equal(i + 1, e.Sequence);
            Assert.Equal(previous, e.PreviousHash);
            Assert.Equal(PartnerAuditChain.Hash(e, previous), e.Hash);
            Assert.Matches("^[0-9a-f]{64}$", e.Hash);
            previous = e.Hash!;
        }

        Assert.Equal((entries[^1].Hash, (long?)entries.Count), (row!.AuditHead, row.AuditCount));
        Assert.Equal(entries.Count, entries.Select(e => e.Hash).Distinct().Count());
    }

    [Fact]
    public async Task VerifyAllAsync_UntouchedPartners_EveryPartnerOk()
    {
        var s = await NewAsync();
        await BusyCarrierAsync(s, "carrier-ok");
        await s.Management.CreateAsync(Finance, new PartnerDraft("tenant-ok", "tenant", "compute-standard-v1", "Tenant", "t@t.example", null), Ct);
        await s.Management.UpdateAsync(Finance, "tenant-ok", new PartnerUpdate("inference-standard-v1", null, null, null, null), Ct);
        await s.Management.UpdateAsync(Finance, "tenant-ok", new PartnerUpdate("compute-standard-v1", null, null, null, null), Ct); // cancels the pending change
        await s.Management.UpdateAsync(Finance, "tenant-ok", new PartnerUpdate("inference-standard-v1", null, null, null, null), Ct);
        s.Clock.Advance(TimeSpan.FromDays(20)); // December: the change is in force; one more for January
        await s.Management.UpdateAsync(Finance, "tenant-ok", new PartnerUpdate("compute-standard-v1", null, null, null, null), Ct);
        await s.Store.UpsertAsync(new PartnerRegistration(new Partner("provider-seed", PartnerRole.Provider, null), "seed-key-provider-0001") { At = Now }, Ct);
        await s.Store.SetStripeCustomerAsync("tenant-ok", "cus_SYNCED", Now, Ct);

        var results = await s.Verifier.VerifyAllAsync(Ct);

        Assert.Equal(["carrier-ok", "provider-seed", "tenant-ok"], results.Select(r => r.PartnerId));
        Assert.All(results, r => Assert.True(r.Ok, string.Join("\n", r.Problems)));
        Assert.Equal(2, (await s.Store.GetAsync("tenant-ok", Ct))!.Partner.PlanChanges.Count);
    }

    [Fact]
    public async Task UpsertAsync_Seeding_ChainedAndReseedingTheSameSettingsAddsNothing_ChangedPlanIsRecorded()
    {
        var s = await NewAsync();
        var seed = new PartnerRegistration(new Partner("tenant-seed", PartnerRole.Tenant, "compute-standard-v1"), "seed-key-tenant-0001") { At = Now };
        await s.Store.UpsertAsync(seed, Ct);
        await s.Store.UpsertAsync(seed with { At = Now.AddDays(1) }, Ct);
        Assert.Single(await EntriesAsync(s, "tenant-seed"));

        await s.Store.UpsertAsync(new PartnerRegistration(new Partner("tenant-seed", PartnerRole.Tenant, "inference-standard-v1"), "seed-key-tenant-0002") { At = Now.AddDays(2) }, Ct);

        var entries = await EntriesAsync(s, "tenant-seed");
        Assert.Equal([("seed", PartnerAuditEntry.SettingsActor), ("seed", PartnerAuditEntry.SettingsActor)], entries.Select(e => (e.Action, e.Actor)));
        Assert.Contains(entries[1].Changes, c => c is { Field: "plan", Before: "compute-standard-v1", After: "inference-standard-v1" });
        Assert.Equal(entries[0].Hash, entries[1].PreviousHash);
        Assert.True((await s.Verifier.VerifyAsync("tenant-seed", Ct)).Ok);
    }

    [Fact]
    public async Task VerifyAsync_PlanChangedDirectlyInTheRow_ReportsTheStateMismatch()
    {
        var s = await NewAsync();
        await BusyCarrierAsync(s, "carrier-plan");
        await s.Table.UpdateEntityAsync(new TableEntity("p", "carrier-plan") { ["PlanId"] = "carrier-cheap-v0" }, Azure.ETag.All, TableUpdateMode.Merge, Ct);

        var result = await s.Verifier.VerifyAsync("carrier-plan", Ct);

        Assert.False(result.Ok);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(PartnerAuditProblemKind.StateMismatch, problem.Kind);
        Assert.Contains("plan 'carrier-cheap-v0', the audit trail gives 'carrier-standard-v1'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_KeyHashSwappedUnderTheSameKeyId_ReportsTheForeignKey()
    {
        var s = await NewAsync();
        await BusyCarrierAsync(s, "carrier-swap");
        // As someone with write access to storage could: their own key made to authenticate as the carrier, key id kept.
        string theirs = PartnerStore.HashKey("dbk_attacker");
        await s.Table.UpdateEntityAsync(new TableEntity("p", "carrier-swap") { ["KeyHash"] = theirs }, Azure.ETag.All, TableUpdateMode.Merge, Ct);
        await s.Table.UpsertEntityAsync(new TableEntity("k", theirs) { ["PartnerId"] = "carrier-swap" }, TableUpdateMode.Replace, Ct);
        Assert.Equal("carrier-swap", (await s.Store.AuthenticateAsync("dbk_attacker", Now, Ct))?.Partner.Id);

        var result = await s.Verifier.VerifyAsync("carrier-swap", Ct); // before: ok, as keys were audited by id only

        var problem = Assert.Single(result.Problems);
        Assert.Equal(PartnerAuditProblemKind.StateMismatch, problem.Kind);
        Assert.Contains("another hash than the audit trail issued it with", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_PlanChangesOrKeyPlantedInTheRow_ReportsEach()
    {
        var s = await NewAsync();
        await BusyCarrierAsync(s, "carrier-planted");
        await s.Table.UpdateEntityAsync(new TableEntity("p", "carrier-planted")
        {
            ["PlanChanges"] = """[{"from":"2026-12","plan":"carrier-free-v0"}]""",
            ["RetiredKeys"] = """[{"id":"key_planted","hash":"00","createdAt":null,"expiresAt":"2099-01-01T00:00:00Z"}]""",
        }, Azure.ETag.All, TableUpdateMode.Merge, Ct);

        var result = await s.Verifier.VerifyAsync("carrier-planted", Ct);

        Assert.Equal(2, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Equal(PartnerAuditProblemKind.StateMismatch, p.Kind));
        Assert.Contains(result.Problems, p => p.Message.Contains("carrier-free-v0 from 2026-12", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Message.Contains("key_planted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_AuditRowDeleted_ReportsTheBrokenLinkOrTheHead()
    {
        var s = await NewAsync();
        await BusyCarrierAsync(s, "carrier-del");
        var entries = await EntriesAsync(s, "carrier-del");

        await s.Table.DeleteEntityAsync("p", ByPartnerKey("carrier-del", entries[2].Id), cancellationToken: Ct);
        var middle = await s.Verifier.VerifyAsync("carrier-del", Ct);
        await s.Table.DeleteEntityAsync("p", ByPartnerKey("carrier-del", entries[^1].Id), cancellationToken: Ct);
        var last = await s.Verifier.VerifyAsync("carrier-del", Ct);

        Assert.Contains(middle.Problems, p => p.Kind == PartnerAuditProblemKind.PreviousHashMismatch && p.EntryId == entries[3].Id);
        Assert.Contains(middle.Problems, p => p.Kind == PartnerAuditProblemKind.SequenceMismatch && p.EntryId == entries[3].Id);
        Assert.Contains(middle.Problems, p => p.Kind == PartnerAuditProblemKind.HeadMismatch);
        Assert.Contains(last.Problems, p => p.Kind == PartnerAuditProblemKind.HeadMismatch && p.Message.Contains("the trail has 3", StringComparison.Ordinal));
        Assert.Equal(3, last.Entries);
    }

    [Fact]
    public async Task VerifyAsync_AuditRowContentAltered_ReportsTheHashMismatchOfThatEntry()
    {
        var s = await NewAsync();
        await BusyCarrierAsync(s, "carrier-alt");
        var entries = await EntriesAsync(s, "carrier-alt");

        await s.Table.UpdateEntityAsync(new TableEntity("p", ByPartnerKey("carrier-alt", entries[0].Id)) { ["Actor"] = "someone-else" }, Azure.ETag.All, TableUpdateMode.Merge, Ct);
        await s.Table.UpdateEntityAsync(new TableEntity("p", "|a|t|" + entries[1].Id) { ["Action"] = "nothing" }, Azure.ETag.All, TableUpdateMode.Merge, Ct);

        var result = await s.Verifier.VerifyAsync("carrier-alt", Ct);

        Assert.Equal(
            [(PartnerAuditProblemKind.HashMismatch, entries[0].Id), (PartnerAuditProblemKind.CopyMismatch, entries[1].Id)],
            result.Problems.Select(p => (p.Kind, p.EntryId)));
    }

    [Fact]
    public async Task VerifyAllAsync_WrongTypedValuesPlanted_ReportedWithoutThrowing()
    {
        var s = await NewAsync();
        await BusyCarrierAsync(s, "carrier-typed");
        await BusyCarrierAsync(s, "carrier-rowless");
        var entries = await EntriesAsync(s, "carrier-typed");
        await s.Table.UpdateEntityAsync(new TableEntity("p", "carrier-typed") { ["PlanId"] = 42, ["AuditCount"] = "five" }, Azure.ETag.All, TableUpdateMode.Merge, Ct);
        await s.Table.UpdateEntityAsync(new TableEntity("p", ByPartnerKey("carrier-typed", entries[1].Id)) { ["Changes"] = 7, ["At"] = "yesterday" }, Azure.ETag.All, TableUpdateMode.Merge, Ct);
        await s.Table.DeleteEntityAsync("p", "carrier-rowless", cancellationToken: Ct);

        var results = await s.Verifier.VerifyAllAsync(Ct);

        var typed = results.Single(r => r.PartnerId == "carrier-typed");
        Assert.Contains(typed.Problems, p => p.Kind == PartnerAuditProblemKind.HashMismatch && p.EntryId == entries[1].Id);
        Assert.Contains(typed.Problems, p => p.Kind == PartnerAuditProblemKind.HeadMismatch);
        Assert.Contains(typed.Problems, p => p.Kind == PartnerAuditProblemKind.StateMismatch && p.Message.Contains("plan (unset)", StringComparison.Ordinal));
        Assert.Equal(PartnerAuditProblemKind.RowMissing, Assert.Single(results.Single(r => r.PartnerId == "carrier-rowless").Problems).Kind);
        Assert.Equal(entries.Count, (await s.Store.AuditOfPartnerAsync("carrier-typed", null, 100, Ct)).Entries.Count); // the listing reads it too
    }

    [Fact]
    public async Task VerifyAsync_RoleUnparseableInTheRow_ReportsTheRowUnreadable()
    {
        var s = await NewAsync();
        await BusyCarrierAsync(s, "carrier-role");
        await s.Table.UpdateEntityAsync(new TableEntity("p", "carrier-role") { ["Role"] = "Admin" }, Azure.ETag.All, TableUpdateMode.Merge, Ct);

        var result = await s.Verifier.VerifyAsync("carrier-role", Ct);

        Assert.Equal(PartnerAuditProblemKind.RowUnreadable, Assert.Single(result.Problems).Kind);
        await Assert.ThrowsAsync<PartnerNotFoundException>(() => s.Verifier.VerifyAsync("carrier-none", Ct));
    }
}
