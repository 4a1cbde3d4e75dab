using static Billing.Application.Tests.Partners.PartnerAuditSetup;
using Billing.Tests.Shared;

namespace Billing.Application.Tests.Partners;

/// <summary>
/// The audit hash chain written by partner management and seeding, and its verification, on Azurite: untouched data
/// verifies, tampering around the API does not, and a chain rewritten consistently shows against the pins invoices'
/// ledger entries hold (docs/design.md §4.14).
/// </summary>
public class PartnerAuditVerifierTests(AzuriteFixture azurite) : PartnerAuditTestBase(azurite)
{
    /// <summary>A busy carrier <paramref name="id"/> whose row then gets <paramref name="values"/> planted in it, verified.</summary>
    private async Task<(PartnerAuditSetup S, PartnerAuditVerification Result)> VerifyPlantedAsync(string id, Dictionary<string, object> values)
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync(id);
        await s.PlantAsync(id, values);
        return (s, await s.Verifier.VerifyAsync(id, Ct));
    }

    [Fact]
    public async Task Audit_CreateUpdateRotateKey_EachEntryLinksToThePreviousAndTheRowHoldsTheHead()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-chain");

        var entries = await s.EntriesAsync("carrier-chain");
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
        await s.BusyCarrierAsync("carrier-ok");
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
        Assert.Single(await s.EntriesAsync("tenant-seed"));

        await s.Store.UpsertAsync(new PartnerRegistration(new Partner("tenant-seed", PartnerRole.Tenant, "inference-standard-v1"), "seed-key-tenant-0002") { At = Now.AddDays(2) }, Ct);

        var entries = await s.EntriesAsync("tenant-seed");
        Assert.Equal([("seed", PartnerAuditEntry.SettingsActor), ("seed", PartnerAuditEntry.SettingsActor)], entries.Select(e => (e.Action, e.Actor)));
        Assert.Contains(entries[1].Changes, c => c is { Field: "plan", Before: "compute-standard-v1", After: "inference-standard-v1" });
        Assert.Equal(entries[0].Hash, entries[1].PreviousHash);
        Assert.True((await s.Verifier.VerifyAsync("tenant-seed", Ct)).Ok);
    }

    [Fact]
    public async Task VerifyAsync_PlanChangedDirectlyInTheRow_ReportsTheStateMismatch()
    {
        var (_, result) = await VerifyPlantedAsync("carrier-plan", new() { ["PlanId"] = "carrier-cheap-v0" });

        Assert.False(result.Ok);
        AssertOnlyStateMismatch(result, "plan 'carrier-cheap-v0', the audit trail gives 'carrier-standard-v1'");
    }

    [Fact]
    public async Task VerifyAsync_PlanChangesOrKeyPlantedInTheRow_ReportsEach()
    {
        var (_, result) = await VerifyPlantedAsync("carrier-planted", new()
        {
            ["PlanChanges"] = """[{"from":"2026-12","plan":"carrier-free-v0"}]""",
            ["RetiredKeys"] = """[{"id":"key_planted","hash":"00","createdAt":null,"expiresAt":"2099-01-01T00:00:00Z"}]""",
        });

        Assert.Equal(2, result.Problems.Count);
        Assert.All(result.Problems, p => Assert.Equal(PartnerAuditProblemKind.StateMismatch, p.Kind));
        Assert.Contains(result.Problems, p => p.Message.Contains("carrier-free-v0 from 2026-12", StringComparison.Ordinal));
        Assert.Contains(result.Problems, p => p.Message.Contains("key_planted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAsync_AuditRowDeleted_ReportsTheBrokenLinkOrTheHead()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-del");
        var entries = await s.EntriesAsync("carrier-del");

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
        await s.BusyCarrierAsync("carrier-alt");
        var entries = await s.EntriesAsync("carrier-alt");

        await s.PlantAsync(ByPartnerKey("carrier-alt", entries[0].Id), new() { ["Actor"] = "someone-else" });
        await s.PlantAsync("|a|t|" + entries[1].Id, new() { ["Action"] = "nothing" });

        var result = await s.Verifier.VerifyAsync("carrier-alt", Ct);

        Assert.Equal(
            [(PartnerAuditProblemKind.HashMismatch, entries[0].Id), (PartnerAuditProblemKind.CopyMismatch, entries[1].Id)],
            result.Problems.Select(p => (p.Kind, p.EntryId)));
    }

    [Fact]
    public async Task VerifyAllAsync_WrongTypedValuesPlanted_ReportedWithoutThrowing()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-typed");
        await s.BusyCarrierAsync("carrier-rowless");
        var entries = await s.EntriesAsync("carrier-typed");
        await s.PlantAsync("carrier-typed", new() { ["PlanId"] = 42, ["AuditCount"] = "five" });
        await s.PlantAsync(ByPartnerKey("carrier-typed", entries[1].Id), new() { ["Changes"] = 7, ["At"] = "yesterday" });
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
    public async Task VerifyAllAsync_ProviderAndFinanceRowsRemoved_EachReportedRowMissing()
    {
        // Partners never invoiced are no close failure when their row is removed (the close logs them): verify reports them.
        var s = await NewAsync();
        await s.Store.UpsertAsync(new PartnerRegistration(new Partner("provider-gone", PartnerRole.Provider, null), "seed-key-provider-0001") { At = Now }, Ct);
        await s.Management.CreateAsync(Finance, new PartnerDraft("finance-gone", "finance", null, "Finance", "books@finance.example", null), Ct);
        await s.Table.DeleteEntityAsync("p", "provider-gone", cancellationToken: Ct);
        await s.Table.DeleteEntityAsync("p", "finance-gone", cancellationToken: Ct);

        var results = await s.Verifier.VerifyAllAsync(Ct);

        foreach (string id in new[] { "finance-gone", "provider-gone" })
        {
            Assert.Equal(PartnerAuditProblemKind.RowMissing, Assert.Single(results.Single(r => r.PartnerId == id).Problems).Kind);
        }
    }

    [Fact]
    public async Task VerifyAsync_RoleUnparseableInTheRow_ReportsTheRowUnreadable()
    {
        var (s, result) = await VerifyPlantedAsync("carrier-role", new() { ["Role"] = "Admin" });

        Assert.Equal(PartnerAuditProblemKind.RowUnreadable, Assert.Single(result.Problems).Kind);
        await Assert.ThrowsAsync<PartnerNotFoundException>(() => s.Verifier.VerifyAsync("carrier-none", Ct));
    }

    [Fact]
    public async Task InvoiceFinalizedAsync_PayerWithAnAuditChain_PinsItsCountAndHeadInTheEntry()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-pinned");
        var row = await s.Store.GetAsync("carrier-pinned", Ct);

        string entryId = await s.BookInvoiceAsync("carrier-pinned");

        var entry = await s.Ledger.GetAsync(LedgerEntries.MainBook, entryId, Ct);
        Assert.Equal(new PartnerAuditPin(row!.AuditCount!.Value, row.AuditHead!), PartnerAuditPin.Read(entry!.Metadata));
        Assert.Empty((await s.Verifier.VerifyAsync("carrier-pinned", Ct)).Problems);
    }

    [Fact]
    public async Task InvoiceFinalizedAsync_PayerRowUnparseableElsewhere_StillBookedAndPinned()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-odd-role");
        var row = await s.Store.GetAsync("carrier-odd-role", Ct);
        await s.PlantAsync("carrier-odd-role", new() { ["Role"] = "overlord" }); // the registry cannot parse the row any more

        string entryId = await s.BookInvoiceAsync("carrier-odd-role");

        var entry = await s.Ledger.GetAsync(LedgerEntries.MainBook, entryId, Ct);
        Assert.Equal(new PartnerAuditPin(row!.AuditCount!.Value, row.AuditHead!), PartnerAuditPin.Read(entry!.Metadata));
    }

    [Fact]
    public async Task VerifyAsync_ChainRewrittenConsistentlyAfterAnInvoicePinnedIt_ReportsThePinMismatch()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-forged");
        await s.BusyCarrierAsync("carrier-unbilled");
        string entryId = await s.BookInvoiceAsync("carrier-forged");
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.Management.UpdateAsync(Finance, "carrier-forged", new PartnerUpdate(null, "Renamed again", null, null, null), Ct); // history after the pin grows freely
        Assert.Empty((await s.Verifier.VerifyAsync("carrier-forged", Ct)).Problems);

        await s.RewriteConsistentlyAsync("carrier-forged");
        await s.RewriteConsistentlyAsync("carrier-unbilled");

        var forged = await s.Verifier.VerifyAsync("carrier-forged", Ct);
        var problem = Assert.Single(forged.Problems);
        Assert.Equal(PartnerAuditProblemKind.PinMismatch, problem.Kind);
        Assert.Contains(entryId, problem.Message, StringComparison.Ordinal);
        Assert.Contains("rewritten", problem.Message, StringComparison.Ordinal);
        // Without an invoice to pin it, the same rewrite is consistent: the limit design §14 states.
        Assert.Empty((await s.Verifier.VerifyAsync("carrier-unbilled", Ct)).Problems);
    }

    [Fact]
    public async Task VerifyAsync_ChangedAndPinnedWhileVerifying_NoPinMismatch()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-busy");
        var (hooked, hook) = InterleavingTables.CreateBefore(s.Tables, LedgerStore.TableName, async () =>
        {
            // As the API and a close do meanwhile: one more audited change, then an invoice pinning the longer chain.
            await s.Management.UpdateAsync(Finance, "carrier-busy", new PartnerUpdate(null, "Renamed meanwhile", null, null, null), Ct);
            await s.BookInvoiceAsync("carrier-busy");
        });

        // Before: the trail was read first and the pins after, so the new pin named an entry the trail read had not reached
        // ("which the chain no longer has: entries were removed").
        var result = await new PartnerAuditVerifier(new PartnerStore(hooked), new LedgerStore(hooked, TestSeals.Keys)).VerifyAsync("carrier-busy", Ct);

        Assert.True(hook.Fired);
        Assert.Empty(result.Problems);
    }

    [Fact]
    public async Task VerifyAllAsync_PinnedPayerRemovedAltogether_ReportsItByTheLedgersPin()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-gone");
        string entryId = await s.BookInvoiceAsync("carrier-gone");

        var entries = await s.EntriesAsync("carrier-gone");
        foreach (string rowKey in entries.SelectMany(e => new[] { ByPartnerKey("carrier-gone", e.Id), "|a|t|" + e.Id }).Append("carrier-gone"))
        {
            await s.Table.DeleteEntityAsync("p", rowKey, Azure.ETag.All, Ct);
        }

        var gone = Assert.Single(await s.Verifier.VerifyAllAsync(Ct), r => r.PartnerId == "carrier-gone");
        Assert.Contains(gone.Problems, p => p.Kind == PartnerAuditProblemKind.RowMissing);
        Assert.Contains(gone.Problems, p => p.Kind == PartnerAuditProblemKind.PinMismatch && p.Message.Contains(entryId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task VerifyAllAsync_RowsUnderKeysNoPartnerIdEscapesTo_ReportsThemWithoutThrowing()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-beside");
        await s.Table.AddEntityAsync(new TableEntity("p", "carrier%zz") { ["Role"] = "Carrier", ["PlanId"] = "carrier-standard-v1" }, Ct);
        await s.Table.AddEntityAsync(new TableEntity("p", "carrier%-1") { ["Role"] = "Carrier" }, Ct);
        await s.Table.AddEntityAsync(new TableEntity("p", "carrier%41") { ["Role"] = "Carrier" }, Ct); // "carrierA" escapes to another key
        await s.Table.AddEntityAsync(new TableEntity("p", "|a|p|carrier%|entry") { ["Action"] = "create" }, Ct);

        var results = await s.Verifier.VerifyAllAsync(Ct); // before: FormatException (and ArgumentException, ArgumentOutOfRangeException)

        Assert.Empty(results.Single(r => r.PartnerId == "carrier-beside").Problems);
        foreach (string key in new[] { "carrier%zz", "carrier%-1", "carrier%41", "|a|p|carrier%|entry" })
        {
            var planted = Assert.Single(results, r => r.PartnerId == key);
            var problem = Assert.Single(planted.Problems);
            Assert.Equal(PartnerAuditProblemKind.RowUnreadable, problem.Kind);
            Assert.Contains("not an escaped partner id", problem.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task VerifyAsync_ChainRewrittenAndTheInvoicesPinEditedToMatch_ReportsThePinItsEntryNoLongerHashesTo()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-repinned");
        string entryId = await s.BookInvoiceAsync("carrier-repinned");
        await s.RewriteConsistentlyAsync("carrier-repinned");
        // The insider also points the invoice entry's pin at the forged head, leaving the entry's stored (anchored) hash.
        var entry = (await s.Ledger.GetAsync(LedgerEntries.MainBook, entryId, Ct))!;
        var metadata = entry.Metadata.ToDictionary();
        metadata[PartnerAuditPin.HeadKey] = (await s.Store.GetAsync("carrier-repinned", Ct))!.AuditHead!;
        var row = (await s.Ledger.Table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey(LedgerEntries.MainBook), LedgerStore.SequenceRowKey(entry.Sequence), cancellationToken: Ct)).Value;
        row["Metadata"] = System.Text.Json.JsonSerializer.Serialize(metadata);
        await s.Ledger.Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);

        var result = await s.Verifier.VerifyAsync("carrier-repinned", Ct); // before: ok

        var problem = Assert.Single(result.Problems);
        Assert.Equal(PartnerAuditProblemKind.PinMismatch, problem.Kind);
        Assert.Contains(entryId, problem.Message, StringComparison.Ordinal);
        Assert.Contains("does not hash to its stored hash", problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)] // its payer removed too: the entry's id still names the payer
    [InlineData(true, true)]
    public async Task VerifyAsync_ChainRewrittenAndThePinRemovedFromTheInvoicesEntry_ReportsTheEntryNoLongerHashing(bool kindChangedToo, bool payerRemovedToo)
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-unpinned");
        string entryId = await s.BookInvoiceAsync("carrier-unpinned");
        await s.RewriteConsistentlyAsync("carrier-unpinned");
        // The insider drops the pin from the invoice entry (and may relabel its kind), leaving its stored (anchored) hash.
        var entry = (await s.Ledger.GetAsync(LedgerEntries.MainBook, entryId, Ct))!;
        var metadata = entry.Metadata.Where(m => m.Key is not (PartnerAuditPin.CountKey or PartnerAuditPin.HeadKey) && !(payerRemovedToo && m.Key == "payer")).ToDictionary();
        var row = (await s.Ledger.Table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey(LedgerEntries.MainBook), LedgerStore.SequenceRowKey(entry.Sequence), cancellationToken: Ct)).Value;
        row["Metadata"] = System.Text.Json.JsonSerializer.Serialize(metadata);
        if (kindChangedToo)
        {
            row["Kind"] = nameof(LedgerEntryKind.Adjustment);
        }

        await s.Ledger.Table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);

        var result = await s.Verifier.VerifyAsync("carrier-unpinned", Ct); // before: ok

        var problem = Assert.Single(result.Problems);
        Assert.Equal(PartnerAuditProblemKind.PinMismatch, problem.Kind);
        Assert.Contains(entryId, problem.Message, StringComparison.Ordinal);
    }
}
