using static Billing.Storage.Tests.Ledger.LedgerTables;

namespace Billing.Storage.Tests.Ledger;

[Collection(AzuriteCollection.Name)]
public class AnchorStoreTests(AzuriteFixture azurite)
{
    private static LedgerEntryDraft Payment(int i) => LedgerEntries.PaymentReceived($"evt_{i}", "INV-p-202610", "p", 100 + i, "USD", T0)!;

    [Fact]
    public async Task AddAsync_ThenUpdate_RoundTripsAndLastIsNewest()
    {
        var (_, _, anchors) = await LedgerTables.NewAsync(azurite);
        Assert.Null(await anchors.GetLastAsync("main", Ct));
        string root = new('a', 64);

        var first = new LedgerAnchor("main", 1, 9, root, T0);
        var second = new LedgerAnchor("main", 10, 12, new string('b', 64), T0.AddMinutes(1));
        var third = new LedgerAnchor("main", 13, 120, new string('c', 64), T0.AddMinutes(2));
        Assert.True((await anchors.AddAsync(second, Ct)).Created);
        Assert.True((await anchors.AddAsync(third, Ct)).Created);
        Assert.True((await anchors.AddAsync(first, Ct)).Created);
        var (again, created) = await anchors.AddAsync(new LedgerAnchor("main", 1, 9, new string('d', 64), T0), Ct);
        Assert.False(created);
        Assert.Equal(root, again.RootHex);

        await anchors.UpdateAsync(third with { Signature = "5sigBase58", Slot = 123_456_789UL, Status = AnchorStatus.Confirmed }, Ct);

        LedgerAnchor last = (await anchors.GetLastAsync("main", Ct))!;
        Assert.Equal((13L, 120L, "5sigBase58", (ulong?)123_456_789UL, AnchorStatus.Confirmed, T0.AddMinutes(2)), (last.FromSeq, last.ToSeq, last.Signature, last.Slot, last.Status, last.CreatedAt));
        Assert.Equal(AnchorMemo.Format("billing", "main", 13, 120, new string('c', 64), AnchorMemo.NoPreviousRoot), last.Memo);
        Assert.Equal([9L, 12L, 120L], (await anchors.ListAsync("main", Ct)).Select(a => a.ToSeq));
        Assert.Equal(AnchorStatus.Pending, (await anchors.GetAsync("main", 9, Ct))!.Status);
        Assert.Null(await anchors.GetLastAsync("other", Ct));
    }

    [Fact]
    public async Task VerifyAsync_AnchoredLedger_OkUntilAnEntryIsRewritten()
    {
        var (_, ledger, anchors) = await LedgerTables.NewAsync(azurite);
        for (int i = 1; i <= 7; i++)
        {
            await ledger.AppendAsync("main", Payment(i), Ct);
        }

        var entries = await ledger.ReadAllAsync("main", Ct);
        await anchors.AddAsync(LedgerAnchor.Over(entries.Take(5).ToList(), T0), Ct);
        await anchors.AddAsync(LedgerAnchor.Over(entries.Skip(5).ToList(), T0), Ct);
        var verifier = new StoredBookVerifier(ledger, anchors);
        var ok = await verifier.VerifyAsync("main", Ct);
        Assert.True(ok.Ok, string.Join("; ", ok.Problems));
        Assert.Equal((7, 2), (ok.Entries, ok.Anchors));

        // Rewrite entry 7 completely (content and hash, head too): the chain and head agree, the anchor does not.
        var forged = LedgerEntry.Seal("main", 7, entries[5].Hash, LedgerEntries.PaymentReceived("evt_7", "INV-p-202610", "p", 1, "USD", T0)!);
        var row = (await ledger.Table.GetEntityAsync<Azure.Data.Tables.TableEntity>("main", LedgerStore.SequenceRowKey(7), cancellationToken: Ct)).Value;
        row["Postings"] = "[[\"cash:stripe\",\"USD\",\"1\"],[\"receivable:p\",\"USD\",\"-1\"]]";
        row["Hash"] = forged.Hash;
        await ledger.Table.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace, Ct);
        var head = (await ledger.Table.GetEntityAsync<Azure.Data.Tables.TableEntity>("main", LedgerStore.HeadRowKey, cancellationToken: Ct)).Value;
        head["LastHash"] = forged.Hash;
        await ledger.Table.UpdateEntityAsync(head, head.ETag, Azure.Data.Tables.TableUpdateMode.Replace, Ct);

        var bad = await verifier.VerifyAsync("main", Ct);

        LedgerProblem problem = Assert.Single(bad.Problems);
        Assert.Equal((LedgerProblemKind.AnchorRootMismatch, 7L), (problem.Kind, problem.Sequence));
        Assert.Empty(HashChain.Verify(await ledger.ReadAllAsync("main", Ct)));
    }

    [Fact]
    public async Task ListRowsAsync_RowHoldsAValueOfAnotherType_ListsItApartAndTheRestInOrder()
    {
        var (_, _, anchors) = await LedgerTables.NewAsync(azurite);
        foreach (var (from, to, c) in new[] { (1L, 9L, 'a'), (10L, 12L, 'b'), (13L, 20L, 'c') })
        {
            await anchors.AddAsync(new LedgerAnchor("main", from, to, new string(c, 64), T0), Ct);
        }

        var row = (await anchors.Table.GetEntityAsync<Azure.Data.Tables.TableEntity>("main", AnchorStore.RowKey(12), cancellationToken: Ct)).Value;
        row["FromSeq"] = "10";
        await anchors.Table.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace, Ct);

        var rows = await anchors.ListRowsAsync("main", Ct);
        var list = await Assert.ThrowsAsync<InvalidDataException>(() => anchors.ListAsync("main", Ct));

        Assert.Equal([9L, 20L], rows.Anchors.Select(a => a.ToSeq));
        var bad = Assert.Single(rows.Unreadable);
        Assert.Equal((AnchorStore.RowKey(12), "FromSeq", "Edm.String found, Edm.Int64 expected"), (bad.RowKey, bad.Property, bad.Reason));
        Assert.Contains($"row '{AnchorStore.RowKey(12)}'", list.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetLastAsync_NewestRowHoldsAValueOfAnotherType_ThrowsInvalidDataExceptionNamingIt()
    {
        var (_, _, anchors) = await LedgerTables.NewAsync(azurite);
        await anchors.AddAsync(new LedgerAnchor("main", 1, 9, new string('a', 64), T0), Ct);
        var row = (await anchors.Table.GetEntityAsync<Azure.Data.Tables.TableEntity>("main", AnchorStore.RowKey(9), cancellationToken: Ct)).Value;
        row["CreatedAt"] = "yesterday";
        await anchors.Table.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace, Ct);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => anchors.GetLastAsync("main", Ct));

        Assert.Contains("property 'CreatedAt': Edm.String found, Edm.DateTime expected", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpsertAsync_ConfirmedRowOfAnotherSignerEndsThere_KeptUnderItsKeptKeyAndBothListed()
    {
        var (_, _, anchors) = await LedgerTables.NewAsync(azurite);
        var earlier = new LedgerAnchor("main", 7, 9, new string('a', 64), T0) { Signature = "sigOld", Status = AnchorStatus.Confirmed, Signer = "keyOld" };
        var legacy = new LedgerAnchor("main", 10, 12, new string('b', 64), T0) { Signature = "sigLegacy", Status = AnchorStatus.Confirmed };
        await anchors.UpsertAsync(earlier, Ct);
        await anchors.UpsertAsync(legacy, Ct);
        var row = (await anchors.Table.GetEntityAsync<Azure.Data.Tables.TableEntity>("main", AnchorStore.RowKey(12), cancellationToken: Ct)).Value;
        row.Remove("Signer"); // as written before rows recorded their signer
        await anchors.Table.UpdateEntityAsync(row, row.ETag, Azure.Data.Tables.TableUpdateMode.Replace, Ct);
        var mine = new LedgerAnchor("main", 1, 9, new string('c', 64), T0) { Signature = "sigNew", Status = AnchorStatus.Confirmed, Signer = "keyNew" };

        await anchors.UpsertAsync(mine, Ct);
        await anchors.UpsertAsync(new LedgerAnchor("main", 1, 12, new string('d', 64), T0) { Status = AnchorStatus.Pending, Signer = "keyNew" }, Ct);
        await anchors.UpsertAsync(mine with { Slot = 5 }, Ct); // the same transaction again: replaced in place, nothing kept

        Assert.Equal(mine with { Slot = 5 }, await anchors.GetAsync("main", 9, Ct));
        var listed = (await anchors.ListAsync("main", Ct)).Select(a => (a.FromSeq, a.ToSeq, a.Signature, a.Signer)).ToList();
        Assert.Equal(4, listed.Count); // the new key's two rows and the two kept
        Assert.Contains((7L, 9L, "sigOld", "keyOld"), listed);
        Assert.Contains((10L, 12L, "sigLegacy", (string?)null), listed); // read as before, signer unknown
        Assert.True((await anchors.Table.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>("main", AnchorStore.KeptRowKey(12, "sigLegacy"), cancellationToken: Ct)).HasValue);

        await anchors.RecordSignerAsync("main", 12, "sigLegacy", "keyOld", Ct);
        await anchors.RecordSignerAsync("main", 9, "sigNew", "keyOther", Ct); // recorded already: unchanged

        var after = await anchors.ListAsync("main", Ct);
        Assert.Equal("keyOld", after.Single(a => a.Signature == "sigLegacy").Signer);
        Assert.Equal("keyNew", after.Single(a => a.Signature == "sigNew").Signer);
    }
}
