using static Billing.Storage.Tests.Ledger.LedgerTables;

namespace Billing.Storage.Tests.Ledger;

/// <summary>The anchor timer's marks of pinned partner chains, in the anchors table beside (never among) a book's anchors.</summary>
[Collection(AzuriteCollection.Name)]
public class PartnerPinCursorTests(AzuriteFixture azurite)
{
    private static PartnerAuditPin Pin(long count, char c) => new(count, new string(c, 64));

    [Fact]
    public async Task WriteAsync_ThenReadAsync_LatestMarkPerPartnerOfThatBookOnly()
    {
        var (tables, _, anchors) = await LedgerTables.NewAsync(azurite);
        var cursor = new PartnerPinCursor(tables);

        await cursor.WriteAsync("main", "partner-audit-pins:1", [("provider a/b", Pin(1, 'a')), ("finance", Pin(2, 'b'))], Ct);
        await cursor.WriteAsync("main", "partner-audit-pins:2", [("finance", Pin(3, 'c'))], Ct);
        await cursor.WriteAsync("other", "partner-audit-pins:3", [("finance", Pin(9, 'd'))], Ct);
        var marks = await cursor.ReadAsync("main", Ct);

        Assert.Equal((Pin(1, 'a'), "partner-audit-pins:1"), marks["provider a/b"]);
        Assert.Equal((Pin(3, 'c'), "partner-audit-pins:2"), marks["finance"]);
        Assert.Equal(2, marks.Count);
        Assert.Empty((await anchors.ListRowsAsync("main", Ct)).Anchors); // not mistaken for anchors
    }

    [Fact]
    public async Task ReadAsync_MarkHoldingPlantedValues_LeftOut()
    {
        var (tables, _, anchors) = await LedgerTables.NewAsync(azurite);
        var cursor = new PartnerPinCursor(tables);
        await cursor.WriteAsync("main", "partner-audit-pins:1", [("a", Pin(1, 'a')), ("b", Pin(1, 'b')), ("c", Pin(1, 'c'))], Ct);
        string pk = PartnerPinCursor.PartitionKey("main");
        await anchors.Table.UpdateEntityAsync(new TableEntity(pk, "a") { ["Count"] = "1" }, Azure.ETag.All, TableUpdateMode.Merge, Ct);
        await anchors.Table.UpdateEntityAsync(new TableEntity(pk, "b") { ["Head"] = "not a hash" }, Azure.ETag.All, TableUpdateMode.Merge, Ct);

        var marks = await cursor.ReadAsync("main", Ct);

        Assert.Equal(["c"], marks.Keys); // the others are pinned again, never trusted
    }
}
