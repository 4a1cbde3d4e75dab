using Billing.Tests.Shared;

namespace Billing.Application.Tests.Partners;

/// <summary>
/// Partner management and the audit verifier on fresh Azurite tables at a fixed clock, with the partners table at hand to
/// change rows behind the API: the audit verifier tests' shared arrange step and assertion.
/// </summary>
internal sealed record PartnerAuditSetup(PartnerManagement Management, PartnerAuditVerifier Verifier, PartnerStore Store, TableClient Table, FakeTimeProvider Clock, LedgerRecorder Recorder, LedgerStore Ledger, BillingTables Tables)
{
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    public static readonly Partner Finance = new("finance", PartnerRole.Finance, null);

    private static readonly CancellationToken Ct = CancellationToken.None;

    public static async Task<PartnerAuditSetup> NewAsync(AzuriteFixture azurite) => await OnAsync(await azurite.NewTablesAsync());

    /// <summary>The same on <paramref name="tables"/> (e.g. a ledger test's, whose anchor timer then sees these partners).</summary>
    public static async Task<PartnerAuditSetup> OnAsync(BillingTables tables)
    {
        var store = new PartnerStore(tables);
        var clock = new FakeTimeProvider(Now);
        var options = Options.Create(new PartnerOptions { CacheTtl = TimeSpan.FromSeconds(30), KeyRotationOverlap = TimeSpan.FromHours(24) });
        var directory = new PartnerDirectory(store, options, clock, NullLogger<PartnerDirectory>.Instance);
        var management = new PartnerManagement(store, directory, PartnerManagementTests.Plans(), options, clock, NullLogger<PartnerManagement>.Instance);
        var ledger = new LedgerStore(tables, TestSeals.Keys);
        await ledger.EnsureCreatedAsync(Ct);
        return new PartnerAuditSetup(management, new PartnerAuditVerifier(store, ledger), store, tables.Partners, clock, new LedgerRecorder(ledger, store, clock), ledger, tables);
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

    /// <summary>Books an October invoice of 1.00 USD for <paramref name="payer"/> as a close does; returns its ledger entry id.</summary>
    public async Task<string> BookInvoiceAsync(string payer)
    {
        var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 1m, new Money(100, Currency.USD));
        var invoice = new Invoice(new InvoiceId(payer, new BillingPeriod(2026, 10)), "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [line], null).Finalize();
        await Recorder.InvoiceFinalizedAsync(invoice, Ct);
        return LedgerEntries.InvoiceFinalizedId(invoice.Id.ToString());
    }

    /// <summary>
    /// As an insider with write access to storage could: makes entry <paramref name="sequence"/> (the first by default) say
    /// someone else made it, then recomputes every hash and link of the chain, both copies of each entry and the row's
    /// head, so the chain is consistent again.
    /// </summary>
    public async Task RewriteConsistentlyAsync(string id, long sequence = 1)
    {
        var entries = (await EntriesAsync(id)).OrderBy(e => e.Sequence).ToList();
        var forged = PartnerAuditChain.Link(entries.Select(e => e.Sequence == sequence ? e with { Actor = "someone-else" } : e), null, null);
        foreach (var e in forged)
        {
            var values = new Dictionary<string, object> { ["Actor"] = e.Actor, ["PreviousHash"] = e.PreviousHash!, ["Hash"] = e.Hash!, ["Sequence"] = e.Sequence };
            await PlantAsync(ByPartnerKey(id, e.Id), values);
            await PlantAsync("|a|t|" + e.Id, values);
        }

        await PlantAsync(id, new() { ["AuditHead"] = forged[^1].Hash!, ["AuditCount"] = (long)forged.Count });
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
