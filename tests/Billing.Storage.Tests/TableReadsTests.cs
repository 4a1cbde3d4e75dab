using System.Buffers.Text;
using System.Text;
using Billing.Domain.Burns;
using Billing.Tests.Shared;

namespace Billing.Storage.Tests;

/// <summary>
/// Lookups of caller-supplied ids whose keys no write can have made (escaped past <see cref="TableKey.MaxKeyChars"/>, or
/// holding characters Table Storage refuses in keys): nothing found, and storage is never asked (<see cref="TableKeyRules"/>
/// refuses such a request as Table Storage does; Azurite would answer "not found").
/// </summary>
[Collection(AzuriteCollection.Name)]
public class TableReadsTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    public static TheoryData<string> KeysNoWriteMakes => new()
    {
        new string('/', 300), // 900 characters escaped
        new string('a', 600),
        new string('#', 200), // %23 each: 600
    };

    private async Task<(BillingTables Tables, TableKeyRules Rules)> TablesAsync()
    {
        var rules = new TableKeyRules();
        return (await azurite.NewTablesAsync(client: rules.Options()), rules);
    }

    /// <summary>Runs <paramref name="lookup"/> on fresh tables: it finds nothing, and no request Table Storage refuses was sent.</summary>
    private async Task AssertNothingFoundWithoutAskingStorageAsync<T>(Func<BillingTables, Task<T>> lookup)
    {
        var (tables, rules) = await TablesAsync();

        var found = await lookup(tables);

        Assert.Null(found);
        Assert.Empty(rules.Refused);
    }

    [Theory]
    [MemberData(nameof(KeysNoWriteMakes))]
    public Task BurnStoreGetAsync_IdTooLongForAKey_NullWithoutAskingStorage(string tail) =>
        AssertNothingFoundWithoutAskingStorageAsync(tables => new BurnStore(tables).GetAsync("burn-" + tail, Ct));

    [Theory]
    [MemberData(nameof(KeysNoWriteMakes))]
    public async Task BurnStoreListAsync_InvoiceIdTooLongForAKey_EmptyAndOthersStillFound(string invoiceId)
    {
        var (tables, rules) = await TablesAsync();
        var store = new BurnStore(tables);
        var stored = SampleBurns.Pending(BurnIntent.IdFor("INV-carrier-tmo-202610"), "INV-carrier-tmo-202610", 1_000, DateTimeOffset.UtcNow);
        await store.CreateIfAbsentAsync(stored, Ct);

        var none = await store.ListAsync(invoiceId, Ct);
        var one = await store.ListAsync("INV-carrier-tmo-202610", Ct);

        Assert.Equal((0, 0), (none.Items.Count, none.Unreadable.Count));
        Assert.Empty(rules.Refused);
        Assert.Equal(stored.Id, Assert.Single(one.Items).Id);
    }

    [Theory]
    [InlineData('/')] // a valid entry id of the longest length, escaped to three times that
    [InlineData('#')]
    public Task LedgerStoreGetAsync_EntryIdTooLongForAKey_NullWithoutAskingStorage(char c) =>
        AssertNothingFoundWithoutAskingStorageAsync(async tables =>
        {
            var ledger = new LedgerStore(tables, TestSeals.Keys);
            await ledger.EnsureCreatedAsync(Ct);
            return await ledger.GetAsync(new string(c, LedgerValidation.MaxEntryIdLength), Ct);
        });

    [Theory]
    [MemberData(nameof(KeysNoWriteMakes))]
    public Task InvoiceStoreGetAsync_PayerTooLongForAKey_NullWithoutAskingStorage(string payer) =>
        AssertNothingFoundWithoutAskingStorageAsync(tables => new InvoiceStore(tables).GetAsync(new InvoiceId(payer, new BillingPeriod(2026, 10)), Ct));

    [Theory]
    [MemberData(nameof(KeysNoWriteMakes))]
    public async Task PartnerStoreGetAsync_IdTooLongForAKey_NullWithoutAskingStorage(string partnerId)
    {
        var (tables, rules) = await TablesAsync();
        var partners = new PartnerStore(tables);

        var (record, head, customer) = (await partners.GetAsync(partnerId, Ct), await partners.AuditHeadAsync(partnerId, Ct), await partners.GetStripeCustomerAsync(partnerId, Ct));

        Assert.Equal((null, null, null, null), (record, head.Head, head.Count, customer));
        Assert.Empty(rules.Refused);
    }

    [Theory]
    [InlineData("a/b")] // characters Table Storage refuses in keys, which no write puts there
    [InlineData("x\u0001y")]
    [InlineData("what?")]
    public async Task QuarantineStoreGetAsync_IdNamingAKeyNoWriteMakes_NullWithoutAskingStorage(string partitionKey)
    {
        var (tables, rules) = await TablesAsync();
        var quarantine = new QuarantineStore(tables);
        string id = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(partitionKey)) + "." + new string('0', 64);

        var (detail, replay) = (await quarantine.GetAsync(id, Ct), await quarantine.RecordReplayAsync(id, new QuarantineReplay("metered", DateTimeOffset.UtcNow, "finance"), null, Ct));

        Assert.Equal((null, null), (detail, replay));
        Assert.False(QuarantineStore.IsId(id));
        Assert.Empty(rules.Refused);
    }

    [Theory]
    [InlineData("a/b")] // an audit entry's id planted with characters Table Storage refuses in keys
    [InlineData("what?")]
    public async Task PartnerStoreAuditTrailAsync_EntryIdPlantedThatNoKeyHolds_ItsCopyIsMissingWithoutAskingStorage(string plantedId)
    {
        var (tables, rules) = await TablesAsync();
        var partners = new PartnerStore(tables);
        await partners.UpsertAsync(new PartnerRegistration(new Partner("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1"), "seed-key-carrier-0001"), Ct);
        var entry = (await partners.AuditOfPartnerAsync("carrier-tmo", null, 10, Ct)).Entries[0];
        var row = (await tables.Partners.GetEntityAsync<TableEntity>("p", "|a|p|carrier-tmo|" + entry.Id, cancellationToken: Ct)).Value;
        row["Id"] = plantedId;
        await tables.Partners.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, Ct);

        var trail = await partners.AuditTrailAsync("carrier-tmo", Ct); // before: RequestFailedException 400, so partners verify failed

        Assert.Equal(plantedId, trail!.Entries[0].Id);
        Assert.Null(trail.TimeCopies[0]); // verify reports the copy as missing (CopyMismatch)
        Assert.Empty(rules.Refused);
    }
}
