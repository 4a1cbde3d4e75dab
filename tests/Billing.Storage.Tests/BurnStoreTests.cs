using Billing.Domain.Burns;

namespace Billing.Storage.Tests;

/// <summary>Burn intent rows someone with write access to storage changed: listings read the others and name the row; a point read says which property.</summary>
[Collection(AzuriteCollection.Name)]
public class BurnStoreTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

    private async Task<(BillingTables Tables, BurnStore Store, IReadOnlyList<BurnIntent> Intents)> ThreeIntentsAsync()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new BurnStore(tables);
        var intents = new List<BurnIntent>();
        for (int i = 0; i < 3; i++)
        {
            string invoiceId = $"INV-carrier-tmo-20261{i}";
            intents.Add((await store.CreateIfAbsentAsync(SampleBurns.Pending(BurnIntent.IdFor(invoiceId), invoiceId, 1_000 + i, Now.AddMinutes(i)), Ct)).Intent);
        }

        return (tables, store, intents);
    }

    /// <summary>Sets <paramref name="property"/> of the intent's row behind the platform's back, as someone with write access to storage could.</summary>
    private static Task PlantAsync(BillingTables tables, string burnId, string property, object value) =>
        tables.Burns.UpdateEntityAsync(new TableEntity("burn", TableKey.Escape(burnId)) { [property] = value }, ETag.All, TableUpdateMode.Merge, Ct);

    public static TheoryData<string, object, string> PlantedValues => new()
    {
        { "UsdMinor", "12", "Edm.String found, Edm.Int64 expected" },
        { "UsdMinor", 12, "Edm.Int32 found, Edm.Int64 expected" },
        { "InvoiceId", 7L, "Edm.Int64 found, Edm.String expected" },
        { "Status", "Burned", "'Burned' is no burn status" },
        { "Status", "1", "'1' is no burn status" },
        { "TokenAmount", "-5", "'-5' is no amount of base units" },
        { "Decimals", "8", "Edm.String found, Edm.Int32 expected" },
        { "CreatedAt", "2026-11-02", "Edm.String found, Edm.DateTime expected" },
        { "Slot", -1L, "-1 is negative" },
        { "Releases", 5L, "Edm.Int64 found, Edm.String expected" },
        { "Releases", "released", "not a JSON array of releases" },
        { "Releases", "[]", "a release lacks its by, at, amountMinor or note" },
        { "Releases", """[{"by":"finance-ops","at":"2026-11-02T09:00:00+00:00","amountMinor":-1,"note":"x"}]""", "a release holds a negative amount" },
        { "Releases", """[{"by":"finance-ops","amountMinor":100,"note":"x"}]""", "a release lacks its by, at, amountMinor or note" },
    };

    [Theory]
    [MemberData(nameof(PlantedValues))]
    public async Task ListAsync_OneRowHoldsAPlantedValue_ListsTheOthersAndThatRowApartNamingTheProperty(string property, object value, string reason)
    {
        var (tables, store, intents) = await ThreeIntentsAsync();
        await PlantAsync(tables, intents[1].Id, property, value);

        // Before: TableEntity.GetInt64 and friends threw InvalidOperationException, and the whole list (GET /api/v1/burns, reconcile) failed.
        var list = await store.ListAsync(null, Ct);

        Assert.Equal([intents[0].Id, intents[2].Id], list.Items.Select(b => b.Id));
        var unreadable = Assert.Single(list.Unreadable);
        Assert.Equal(intents[1].Id, unreadable.Id);
        Assert.Contains($"property '{property}': {reason}", unreadable.Reason, StringComparison.Ordinal);
        Assert.Contains("not written by this platform", unreadable.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_ByInvoiceWhoseInvoiceIdWasPlantedAsANumber_ReportsItsRowAsUnreadable()
    {
        var (tables, store, intents) = await ThreeIntentsAsync();
        await PlantAsync(tables, intents[0].Id, "InvoiceId", 42L);

        var list = await store.ListAsync(intents[0].InvoiceId, Ct);

        Assert.Empty(list.Items);
        Assert.Equal(intents[0].Id, Assert.Single(list.Unreadable).Id); // found by its row key, though the filter on InvoiceId misses it
    }

    [Fact]
    public async Task ListOpenAsync_OneRowHoldsAPlantedValue_ListsTheOthersInOrder()
    {
        var (tables, store, intents) = await ThreeIntentsAsync();
        await PlantAsync(tables, intents[0].Id, "UsdMinor", "1000");

        var open = await store.ListOpenAsync(Ct);

        Assert.Equal([intents[1].Id, intents[2].Id], open.Items.Select(b => b.Id));
        Assert.Equal(intents[0].Id, Assert.Single(open.Unreadable).Id);
    }

    [Fact]
    public async Task GetAsync_RowHoldsAPlantedValue_ThrowsInvalidDataExceptionNamingRowAndProperty()
    {
        var (tables, store, intents) = await ThreeIntentsAsync();
        await PlantAsync(tables, intents[2].Id, "UsdMinor", "1002");

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync(intents[2].Id, Ct));

        Assert.Contains($"row '{TableKey.Escape(intents[2].Id)}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("property 'UsdMinor': Edm.String found, Edm.Int64 expected", ex.Message, StringComparison.Ordinal);
        Assert.Equal(1_000, (await store.GetAsync(intents[0].Id, Ct))!.Value.Intent.UsdMinor);
    }

    [Fact]
    public async Task ListAsync_RowKeyNoEscapedIdCanHave_ReportsTheRowUnderItsStoredKey()
    {
        var (tables, store, intents) = await ThreeIntentsAsync();
        await tables.Burns.AddEntityAsync(new TableEntity("burn", "planted%zz") { ["Status"] = "Pending", ["UsdMinor"] = 5L }, Ct);

        var list = await store.ListAsync(null, Ct);

        Assert.Equal(intents.Select(i => i.Id), list.Items.Select(b => b.Id));
        var unreadable = Assert.Single(list.Unreadable);
        Assert.Equal("planted%zz", unreadable.Id);
        Assert.Contains("property 'RowKey'", unreadable.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_RowsAsWritten_ReadBackWhole()
    {
        var (_, store, intents) = await ThreeIntentsAsync();
        var signed = intents[0] with
        {
            Status = BurnStatus.Finalized,
            Price = new PriceQuote(250_000_000, -8, 1_000, Now, "fixed"),
            TokenAmount = ulong.MaxValue,
            Decimals = 8,
            Mint = "mint",
            Transaction = "tx",
            Signature = "sig",
            LastValidBlockHeight = (ulong)long.MaxValue,
            Slot = 0,
            Signings = 2,
            Reason = "done",
            Releases = [new("finance-ops", Now, 900, 950, "refund of 0.50; \"quoted\", ü, 😀"), new("finance-lead", Now.AddHours(1), 800, null, "held again")],
        };
        var stored = (await store.GetAsync(signed.Id, Ct))!.Value;
        Assert.NotNull(await store.TryReplaceAsync(signed, stored.ETag, Ct));

        var list = await store.ListAsync(null, Ct);

        Assert.Empty(list.Unreadable);
        Assert.Equal(signed.Releases, list.Items[0].Releases);
        Assert.Equal(signed, list.Items[0] with { Releases = signed.Releases });
    }

    [Fact]
    public async Task TryReplaceAsync_MostReleasesWithTheLongestNotes_FitsOneRowAndReadsBack()
    {
        var (_, store, intents) = await ThreeIntentsAsync();
        var (intent, etag) = (await store.GetAsync(intents[0].Id, Ct))!.Value;
        string by = new('f', 63); // the longest partner id
        string note = new('"', 500); // the longest note, every character escaped in JSON
        var releases = Enumerable.Range(0, 20).Select(i => new BurnRelease(by, Now.AddMinutes(i), 1_000_000_000_000, 1_000_000_000_000, note)).ToArray();

        Assert.NotNull(await store.TryReplaceAsync(intent with { Releases = releases }, etag, Ct));

        Assert.Equal(releases, (await store.GetAsync(intent.Id, Ct))!.Value.Intent.Releases);
    }

    [Fact]
    public async Task GetAsync_RowReleasedBeforeEveryReleaseWasKept_ReadsTheReleaseThatStands()
    {
        var (tables, store, intents) = await ThreeIntentsAsync();
        await tables.Burns.UpdateEntityAsync(
            new TableEntity("burn", TableKey.Escape(intents[1].Id)) { ["ReleasedBy"] = "finance-ops", ["ReleasedAt"] = Now, ["ReleaseNote"] = "kept the rest" }, ETag.All, TableUpdateMode.Merge, Ct);

        var burn = (await store.GetAsync(intents[1].Id, Ct))!.Value.Intent;

        Assert.Equal([new BurnRelease("finance-ops", Now, intents[1].UsdMinor, null, "kept the rest")], burn.Releases);
        Assert.Equal(("finance-ops", Now, "kept the rest"), (burn.ReleasedBy, burn.ReleasedAt, burn.ReleaseNote));
    }
}
