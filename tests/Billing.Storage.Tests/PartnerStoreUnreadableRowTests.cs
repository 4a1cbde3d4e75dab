namespace Billing.Storage.Tests;

/// <summary>
/// A partner row holding a value the registry cannot parse (planted with storage write access, or written by a tool):
/// it is named, with the property, and never stops the other partners from being listed.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class PartnerStoreUnreadableRowTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    public static TheoryData<string, object> Planted => new()
    {
        { "Role", "overlord" },
        { "Role", "42" },             // a number is no role name, though Enum.Parse would take it
        { "Status", "Deleted" },
        { "PlanChanges", "{not json" },
        { "PlanChanges", "[{\"from\":\"2026-13\",\"plan\":\"x\"}]" },
        { "RetiredKeys", "[1]" },
    };

    private static async Task<(PartnerStore Store, BillingTables Tables)> SeedAsync(AzuriteFixture azurite, string property, object value)
    {
        var tables = await azurite.NewTablesAsync();
        var store = new PartnerStore(tables);
        await store.UpsertAsync(new PartnerRegistration(new Partner("carrier-good", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-good-0001"), Ct);
        await store.UpsertAsync(new PartnerRegistration(new Partner("carrier-bad", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-bad-00001"), Ct);
        await store.UpsertAsync(new PartnerRegistration(new Partner("tenant-good", PartnerRole.Tenant, "compute-standard-v1"), "k-tenant-good-00001"), Ct);
        await tables.Partners.UpdateEntityAsync(new TableEntity("p", "carrier-bad") { [property] = value }, Azure.ETag.All, TableUpdateMode.Merge);
        return (store, tables);
    }

    [Theory]
    [MemberData(nameof(Planted))]
    public async Task ListRecordsAsync_OneRowUnparseable_ListsTheOthersAndNamesItWithTheProperty(string property, object value)
    {
        var (store, _) = await SeedAsync(azurite, property, value);

        var list = await store.ListRecordsAsync(Ct);

        Assert.Equal(["carrier-good", "tenant-good"], list.Items.Select(r => r.Partner.Id).Order(StringComparer.Ordinal));
        var bad = Assert.Single(list.Unreadable);
        Assert.Equal("carrier-bad", bad.Id);
        Assert.Contains($"property '{property}'", bad.Reason, StringComparison.Ordinal);
        Assert.Equal(["carrier-good", "tenant-good"], (await store.ListAsync(Ct)).Items.Select(p => p.Id).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("carrier%2dgood")] // a needless escape of '-': unescapes to carrier-good
    [InlineData("%63arrier-good")]
    public async Task ListRecordsAsync_ReadableRowUnderANeedlessEscapeOfAnId_ListsTheIdOnceAndNamesThePlantedRowByItsKey(string plantedKey)
    {
        var (store, tables) = await SeedAsync(azurite, "DisplayName", "Good");
        var row = (await tables.Partners.GetEntityAsync<TableEntity>("p", "carrier-good", cancellationToken: Ct)).Value;
        await tables.Partners.AddEntityAsync(new TableEntity(row) { RowKey = plantedKey, ["PlanId"] = "compute-standard-v1" }, Ct);

        var list = await store.ListRecordsAsync(Ct);

        // Before: carrier-good listed twice (one with the planted plan), so a close ran it twice and the directory threw.
        var good = Assert.Single(list.Items, r => r.Partner.Id == "carrier-good");
        Assert.Equal("carrier-standard-v1", good.Partner.PlanId);
        var planted = Assert.Single(list.Unreadable);
        Assert.Equal(plantedKey, planted.Id);
        Assert.Contains("property 'RowKey'", planted.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Planted))]
    public async Task GetAsync_RowUnparseable_ThrowsInvalidDataExceptionNamingTheProperty(string property, object value)
    {
        var (store, _) = await SeedAsync(azurite, property, value);

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync("carrier-bad", Ct));

        Assert.Contains($"property '{property}'", e.Message, StringComparison.Ordinal);
        Assert.NotNull(await store.GetAsync("carrier-good", Ct));
    }

    [Fact]
    public async Task AuthenticateAsync_OwnRowUnparseable_ThrowsInvalidDataException_OthersStillAuthenticate()
    {
        var (store, _) = await SeedAsync(azurite, "Role", "overlord");

        await Assert.ThrowsAsync<InvalidDataException>(() => store.AuthenticateAsync("k-carrier-bad-00001", DateTimeOffset.UtcNow, Ct));

        Assert.Equal("carrier-good", (await store.AuthenticateAsync("k-carrier-good-0001", DateTimeOffset.UtcNow, Ct))?.Partner.Id);
    }

    [Fact]
    public async Task AuthenticateAsync_KeyRowPartnerIdNotText_ReturnsNull()
    {
        var (store, tables) = await SeedAsync(azurite, "DisplayName", "unchanged");
        await tables.Partners.UpdateEntityAsync(new TableEntity("k", PartnerStore.HashKey("k-carrier-good-0001")) { ["PartnerId"] = 7 }, Azure.ETag.All, TableUpdateMode.Merge);

        Assert.Null(await store.AuthenticateAsync("k-carrier-good-0001", DateTimeOffset.UtcNow, Ct));
    }

    [Fact]
    public async Task ListAuditHeadsAsync_RowUnparseableElsewhereOrHeadOfAnotherType_ListsEveryPartnerWithWhatItsHeadColumnsHold()
    {
        var (store, tables) = await SeedAsync(azurite, "Role", "overlord");
        await tables.Partners.UpdateEntityAsync(new TableEntity("p", "tenant-good") { ["AuditCount"] = "1" }, Azure.ETag.All, TableUpdateMode.Merge);
        await tables.Partners.UpsertEntityAsync(new TableEntity("p", "%41"), TableUpdateMode.Replace); // no partner id escapes to it

        var heads = (await store.ListAuditHeadsAsync(Ct)).ToDictionary(h => h.PartnerId);

        Assert.Equal(["carrier-bad", "carrier-good", "tenant-good"], heads.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(((await store.AuditHeadAsync("carrier-good", Ct)).Head, 1L), (heads["carrier-good"].Head, heads["carrier-good"].Count));
        Assert.Equal(1L, heads["carrier-bad"].Count);
        Assert.Matches("^[0-9a-f]{64}$", heads["carrier-bad"].Head);
        Assert.Null(heads["tenant-good"].Count);
    }
}
