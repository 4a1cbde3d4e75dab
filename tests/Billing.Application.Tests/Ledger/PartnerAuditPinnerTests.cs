using Billing.Application.Tests.Partners;
using static Billing.Application.Tests.Partners.PartnerAuditSetup;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// The ledger anchor timer pins every partner's audit chain in the anchored book (docs/design.md §4.14), so a consistent
/// rewrite of a chain nothing else pinned (a partner never invoiced, changes after a payer's last invoice) is reported by
/// partners verify. Real Azurite and a private localnet.
/// </summary>
public class PartnerAuditPinnerTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A fresh ledger and partner registry on the same tables: the anchor timer sees the partners.</summary>
    private async Task<(LedgerTestSetup Ledger, PartnerAuditSetup Partners)> NewAsync()
    {
        var ledger = await LedgerTestSetup.NewAsync(chain, LedgerTestOptions.ShortAnchorWindow());
        return (ledger, await PartnerAuditSetup.OnAsync(ledger.Tables));
    }

    /// <summary>A partner that is never invoiced (<paramref name="role"/> provider or finance), changed once after it was created.</summary>
    private static async Task CreateUnbilledAsync(PartnerAuditSetup p, string id, string role)
    {
        await p.Management.CreateAsync(Finance, new PartnerDraft(id, role, null, "Unbilled " + id, $"ops@{id}.example", null), Ct);
        p.Clock.Advance(TimeSpan.FromMinutes(1));
        await p.Management.UpdateAsync(Finance, id, new PartnerUpdate(null, "Renamed " + id, null, null, null), Ct);
    }

    private static void AssertOnlyPinMismatch(PartnerAuditVerification result)
    {
        var problem = Assert.Single(result.Problems);
        Assert.Equal(PartnerAuditProblemKind.PinMismatch, problem.Kind);
        Assert.Contains("partner-audit-pins:", problem.Message, StringComparison.Ordinal);
        Assert.Contains("rewritten", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_PartnersNeverInvoicedRewrittenAfterTheTick_VerifyReportsThePinMismatch()
    {
        var (s, p) = await NewAsync();
        await CreateUnbilledAsync(p, "provider-quiet", "provider");
        await CreateUnbilledAsync(p, "finance-quiet", "finance");

        var run = await s.Anchoring.RunAsync(Ct);
        await p.RewriteConsistentlyAsync("provider-quiet");
        await p.RewriteConsistentlyAsync("finance-quiet");

        // Before the timer pinned them (main before 2026-12), both rewrites verified clean: nothing held their chains.
        AssertOnlyPinMismatch(await p.Verifier.VerifyAsync("provider-quiet", Ct));
        AssertOnlyPinMismatch(await p.Verifier.VerifyAsync("finance-quiet", Ct));
        Assert.Equal("confirmed", run.Status);
        Assert.Empty((await s.Audit().VerifyAsync(Ct)).Problems); // the evidence entry is an ordinary, anchored entry
    }

    [Fact]
    public async Task RunAsync_PayerChangedAfterItsLastInvoiceThenRewrittenThere_VerifyReportsThePinMismatch()
    {
        var (s, p) = await NewAsync();
        await p.BusyCarrierAsync("carrier-late");
        await p.BookInvoiceAsync("carrier-late");
        long invoiced = (await p.Store.GetAsync("carrier-late", Ct))!.AuditCount!.Value;
        p.Clock.Advance(TimeSpan.FromMinutes(1));
        await p.Management.UpdateAsync(Finance, "carrier-late", new PartnerUpdate(null, null, "late@carrier.example", null, null), Ct);

        await s.Anchoring.RunAsync(Ct);
        await p.RewriteConsistentlyAsync("carrier-late", invoiced + 1); // only the change the invoice's pin does not cover

        AssertOnlyPinMismatch(await p.Verifier.VerifyAsync("carrier-late", Ct)); // before: ok
    }

    /// <summary>The evidence entries in the main book.</summary>
    private static async Task<List<LedgerEntry>> EvidenceAsync(LedgerTestSetup s) =>
        [.. (await s.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct)).Where(e => e.Kind == LedgerEntryKind.PartnerAuditPinned)];

    [Fact]
    public async Task RunAsync_NothingChangedSinceTheLastTick_BooksNothingNew()
    {
        var (s, p) = await NewAsync();
        await CreateUnbilledAsync(p, "provider-still", "provider");
        await p.BusyCarrierAsync("carrier-still");
        await s.Anchoring.RunAsync(Ct);
        var first = Assert.Single(await EvidenceAsync(s));
        Assert.Empty(first.Postings);
        Assert.Equal(2, PartnerAuditPins.Read(first.Metadata).Count);

        var again = await s.Anchoring.RunAsync(Ct);
        // A fresh process (another instance, a restart) trusts no mark before it has read the entry the mark names.
        int pinnedByAFreshPinner = await LedgerTestSetup.Pinner(s.Tables).PinAsync(LedgerEntries.MainBook, Ct);

        Assert.Equal("nothing new to anchor", again.Status);
        Assert.Equal(0, pinnedByAFreshPinner);
        Assert.Single(await EvidenceAsync(s));

        p.Clock.Advance(TimeSpan.FromMinutes(1));
        await p.Management.UpdateAsync(Finance, "provider-still", new PartnerUpdate(null, "Changed", null, null, null), Ct);
        Assert.Equal("confirmed", (await s.Anchoring.RunAsync(Ct)).Status);
        var second = (await EvidenceAsync(s))[^1];
        Assert.Equal("provider-still", Assert.Single(PartnerAuditPins.Read(second.Metadata)).PartnerId); // only what changed
    }

    [Fact]
    public async Task RunAsync_MarkForgedOrRemoved_PinsAgainInsteadOfTrustingIt()
    {
        var (s, p) = await NewAsync();
        await CreateUnbilledAsync(p, "provider-marked", "provider");
        var row = (await p.Store.GetAsync("provider-marked", Ct))!;
        // The insider marks the current chain as pinned by an entry that does not exist, before any tick.
        await s.Anchors.Table.UpsertEntityAsync(new TableEntity(PartnerPinCursor.PartitionKey(LedgerEntries.MainBook), "provider-marked")
        {
            ["Count"] = row.AuditCount!.Value, ["Head"] = row.AuditHead!, ["EntryId"] = PartnerAuditPins.IdPrefix + new string('a', 64),
        }, TableUpdateMode.Replace, Ct);

        await CreateUnbilledAsync(p, "provider-long-mark", "provider");
        var other = (await p.Store.GetAsync("provider-long-mark", Ct))!;
        await s.Anchors.Table.UpsertEntityAsync(new TableEntity(PartnerPinCursor.PartitionKey(LedgerEntries.MainBook), "provider-long-mark")
        {
            ["Count"] = other.AuditCount!.Value, ["Head"] = other.AuditHead!, ["EntryId"] = new string('x', 2000), // a key storage refuses
        }, TableUpdateMode.Replace, Ct);

        await s.Anchoring.RunAsync(Ct);
        Assert.Equal(2, PartnerAuditPins.Read(Assert.Single(await EvidenceAsync(s)).Metadata).Count);
        foreach (var mark in s.Anchors.Table.Query<TableEntity>(e => e.PartitionKey == PartnerPinCursor.PartitionKey(LedgerEntries.MainBook)).ToList())
        {
            await s.Anchors.Table.DeleteEntityAsync(mark.PartitionKey, mark.RowKey, Azure.ETag.All, Ct);
        }

        // Marks removed: the partners are pinned again, as the entry that already holds those pins (same pins, same id).
        Assert.Equal(2, await LedgerTestSetup.Pinner(s.Tables).PinAsync(LedgerEntries.MainBook, Ct));
        Assert.Single(await EvidenceAsync(s));
        await p.RewriteConsistentlyAsync("provider-marked");
        AssertOnlyPinMismatch(await p.Verifier.VerifyAsync("provider-marked", Ct));
    }

    [Fact]
    public async Task RunAsync_PartnerRowsUnreadable_OthersPinnedAndTheMoneyEntriesStillAnchored()
    {
        var (s, p) = await NewAsync();
        await CreateUnbilledAsync(p, "provider-odd-role", "provider");
        await CreateUnbilledAsync(p, "provider-odd-head", "provider");
        await CreateUnbilledAsync(p, "provider-fine", "provider");
        await p.PlantAsync("provider-odd-role", new() { ["Role"] = "overlord" }); // the registry cannot parse the row
        await p.PlantAsync("provider-odd-head", new() { ["AuditCount"] = "three" }); // nor its head
        await s.BookAsync("adj-1", 100);

        var run = await s.Anchoring.RunAsync(Ct);

        Assert.Equal("confirmed", run.Status);
        var pinned = (await EvidenceAsync(s)).SelectMany(e => PartnerAuditPins.Read(e.Metadata)).Select(r => r.PartnerId).ToList();
        Assert.Equal(["provider-fine", "provider-odd-role"], pinned); // the head is all a pin needs
        Assert.Empty((await s.Audit().VerifyAsync(Ct)).Problems);
    }

    [Fact]
    public async Task PinAsync_EntryIdTakenByAPlantedIdRow_EveryPartnerStillPinned()
    {
        var (s, p) = await NewAsync();
        // More partners than one evidence entry holds (only their head columns matter to the pinner).
        var due = Enumerable.Range(0, PartnerAuditPins.MaxPerEntry + 1)
            .Select(i => ($"provider-{i:D2}", new PartnerAuditPin(1, new string('b', 64)))).ToList();
        foreach (var (id, pin) in due)
        {
            await p.Table.UpsertEntityAsync(new TableEntity("p", id) { ["AuditHead"] = pin.Head, ["AuditCount"] = pin.Count }, TableUpdateMode.Replace, Ct);
        }

        // The insider foresees the first entry's id and plants its index row, pointing at a sequence no entry has.
        string first = PartnerAuditPins.Drafts(due, DateTimeOffset.UnixEpoch)[0].EntryId;
        await s.Ledger.Table.UpsertEntityAsync(new TableEntity(LedgerStore.PartitionKey(LedgerEntries.MainBook), LedgerStore.IdRowKey(first))
        {
            ["EntryId"] = first, ["Sequence"] = 999L, ["Hash"] = new string('c', 64),
        }, TableUpdateMode.Replace, Ct);

        var pinner = LedgerTestSetup.Pinner(s.Tables);
        int pinned = await pinner.PinAsync(LedgerEntries.MainBook, Ct);

        // Before: the refusal ended the tick, every tick, so none of these partners was ever pinned.
        Assert.Equal(due.Count, pinned);
        var evidence = await EvidenceAsync(s);
        Assert.Equal(due.Select(d => d.Item1), evidence.SelectMany(e => PartnerAuditPins.Read(e.Metadata)).Select(r => r.PartnerId!).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(evidence, e => e.EntryId == first);
        Assert.Equal(0, await pinner.PinAsync(LedgerEntries.MainBook, Ct)); // marked: nothing booked again
    }

    [Fact]
    public async Task VerifyAsync_EvidencePinEditedToMatchARewrite_ReportsTheEntryNoLongerHashing()
    {
        var (s, p) = await NewAsync();
        await CreateUnbilledAsync(p, "finance-repinned", "finance");
        await s.Anchoring.RunAsync(Ct);
        await p.RewriteConsistentlyAsync("finance-repinned");
        var entry = Assert.Single(await EvidenceAsync(s));
        var forged = (await p.Store.GetAsync("finance-repinned", Ct))!;
        // The insider points the evidence entry's pin at the forged head, leaving its stored (anchored) hash.
        var rowEntity = (await s.Ledger.Table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey(LedgerEntries.MainBook), LedgerStore.SequenceRowKey(entry.Sequence), cancellationToken: Ct)).Value;
        string key = entry.Metadata.Keys.Single(k => k is not BookFormat.Key and not SealMarker.Key); // the book's first entry also marks its change-over and first seal
        rowEntity["Metadata"] = System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { [key] = $"{forged.AuditCount} {forged.AuditHead} finance-repinned" });
        await s.Ledger.Table.UpdateEntityAsync(rowEntity, rowEntity.ETag, TableUpdateMode.Replace, Ct);

        var problem = Assert.Single((await p.Verifier.VerifyAsync("finance-repinned", Ct)).Problems);

        Assert.Equal(PartnerAuditProblemKind.PinMismatch, problem.Kind);
        Assert.Contains(entry.EntryId, problem.Message, StringComparison.Ordinal);
        Assert.Contains("does not hash to its stored hash", problem.Message, StringComparison.Ordinal);

        // Its pins removed altogether, the entry is reported by its id.
        rowEntity = (await s.Ledger.Table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey(LedgerEntries.MainBook), LedgerStore.SequenceRowKey(entry.Sequence), cancellationToken: Ct)).Value;
        rowEntity["Metadata"] = "{}";
        await s.Ledger.Table.UpdateEntityAsync(rowEntity, rowEntity.ETag, TableUpdateMode.Replace, Ct);
        var stripped = Assert.Single(await p.Verifier.VerifyAllAsync(Ct), r => r.PartnerId == entry.EntryId);
        Assert.Equal(PartnerAuditProblemKind.PinMismatch, Assert.Single(stripped.Problems).Kind);
    }
}
