namespace Billing.Application.Tests.Partners;

/// <summary>
/// Partner management and the audit verifier on fresh Azurite tables at a fixed clock, with the partners table at hand to
/// change rows behind the API: the audit verifier tests' shared arrange step and assertion.
/// </summary>
internal sealed record PartnerAuditSetup(PartnerManagement Management, PartnerAuditVerifier Verifier, PartnerStore Store, TableClient Table, FakeTimeProvider Clock, LedgerRecorder Recorder, LedgerStore Ledger)
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    public static readonly Partner Finance = new("finance", PartnerRole.Finance, null);

    private static readonly CancellationToken Ct = CancellationToken.None;

    public static async Task<PartnerAuditSetup> NewAsync(AzuriteFixture azurite)
    {
        var tables = await azurite.NewTablesAsync();
        var store = new PartnerStore(tables);
        var clock = new FakeTimeProvider(Now);
        var options = Options.Create(new PartnerOptions { CacheTtl = TimeSpan.FromSeconds(30), KeyRotationOverlap = TimeSpan.FromHours(24) });
        var directory = new PartnerDirectory(store, options, clock, NullLogger<PartnerDirectory>.Instance);
        var management = new PartnerManagement(store, directory, PartnerManagementTests.Plans(), options, clock, NullLogger<PartnerManagement>.Instance);
        var ledger = new LedgerStore(tables);
        await ledger.EnsureCreatedAsync(Ct);
        return new PartnerAuditSetup(management, new PartnerAuditVerifier(store, ledger), store, tables.Partners, clock, new LedgerRecorder(ledger, store, clock), ledger);
    }

    /// <summary>A carrier with a change of each kind the API audits: profile, disable, enable, key rotation, a minute apart.</summary>
    public async Task<CreatedPartner> BusyCarrierAsync(string id)
    {
        var created = await Management.CreateAsync(Finance, new PartnerDraft(id, "carrier", "carrier-standard-v1", "Carrier " + id, $"billing@{id}.example", null), Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Management.UpdateAsync(Finance, id, new PartnerUpdate(null, "Renamed", null, "cus_ABC123", null), Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Management.UpdateAsync(Finance, id, new PartnerUpdate(null, null, null, null, "disabled"), Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Management.UpdateAsync(Finance, id, new PartnerUpdate(null, null, null, null, "active"), Ct);
        Clock.Advance(TimeSpan.FromMinutes(1));
        await Management.RotateKeyAsync(Finance, id, false, Ct);
        return created;
    }

    public async Task<IReadOnlyList<PartnerAuditEntry>> EntriesAsync(string id) => (await Store.AuditOfPartnerAsync(id, null, 1000, Ct)).Entries;

    /// <summary>
    /// As someone with write access to storage could: merges <paramref name="values"/> into the row <paramref name="rowKey"/>
    /// of the partners table (partition <c>p</c>: partner rows and their audit entries), behind the API and its audit.
    /// </summary>
    public Task PlantAsync(string rowKey, Dictionary<string, object> values) =>
        Table.UpdateEntityAsync(new TableEntity(values) { PartitionKey = "p", RowKey = rowKey }, Azure.ETag.All, TableUpdateMode.Merge, Ct);

    /// <summary>The one problem the verifier reports: the row's state disagrees with what the audit trail gives.</summary>
    public static void AssertOnlyStateMismatch(PartnerAuditVerification result, string messageFragment)
    {
        var problem = Assert.Single(result.Problems);
        Assert.Equal(PartnerAuditProblemKind.StateMismatch, problem.Kind);
        Assert.Contains(messageFragment, problem.Message, StringComparison.Ordinal);
    }

    /// <summary>The row key of <paramref name="partnerId"/>'s audit entry <paramref name="entryId"/> (the copy listed by partner).</summary>
    public static string ByPartnerKey(string partnerId, string entryId) => "|a|p|" + partnerId + "|" + entryId;
}
