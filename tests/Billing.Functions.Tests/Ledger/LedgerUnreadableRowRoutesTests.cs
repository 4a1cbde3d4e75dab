using Billing.Tests.Shared;

namespace Billing.Functions.Tests.Ledger;

/// <summary>
/// The ledger routes and the AnchorLedger timer of the running platform over a book in which someone with storage
/// access planted a value of a type the platform never writes: findings, a listing with the row apart, a 409 naming the
/// row to finance, never a 500. Each test plants into the same three anchored entries and puts the value back.
/// </summary>
[Collection(PlatformCollections.LedgerTampering)]
public class LedgerUnreadableRowRoutesTests(PlatformFixture platform)
{
    private static readonly string Row2 = LedgerStore.SequenceRowKey(2);

    private LedgerStore Ledger { get; } = new(new BillingTables(
        new TableServiceClient(platform.ConnectionString), new StorageOptions { ConnectionString = platform.ConnectionString, TablePrefix = platform.TablePrefix }), TestSeals.Keys);

    /// <summary>
    /// Three payments of carrier-tmo (evt_t1..3), anchored: on chain and confirmed, not just an anchor run that ended (the
    /// first test to ask carries the class's one fresh anchor). Idempotent, so every test may ask for it.
    /// </summary>
    private async Task BookAsync()
    {
        for (int i = 1; i <= 3; i++)
        {
            await Ledger.AppendAsync(LedgerEntries.MainBook, LedgerEntries.PaymentReceived($"evt_t{i}", "INV-carrier-tmo-202610", "carrier-tmo", 100 * i, "USD", DateTimeOffset.UtcNow)!, CancellationToken.None);
        }

        await platform.AnchorLedgerAsync("payment:evt_t3"); // before: a run whose memo did not confirm left them unanchored (409)
    }

    /// <summary>Puts <paramref name="value"/> into a property of a row of the book; disposing puts the old value back.</summary>
    private async Task<IAsyncDisposable> PlantAsync(string rowKey, string property, object value)
    {
        string pk = LedgerStore.PartitionKey(LedgerEntries.MainBook);
        var row = (await Ledger.Table.GetEntityAsync<TableEntity>(pk, rowKey)).Value;
        object original = row[property];
        row[property] = value;
        await Ledger.Table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);
        return new Restore(async () =>
        {
            row[property] = original;
            await Ledger.Table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);
        });
    }

    private sealed class Restore(Func<Task> undo) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await undo();
    }

    private async Task<(HttpStatusCode Status, string? MediaType, JsonNode Body)> GetAsync(string path, string key)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, path, key));
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
    }

    [Fact]
    public async Task Verify_EntryRowHoldsAPlantedValue_Answers200WithTheFindingNamingRowAndProperty()
    {
        await BookAsync();
        await using var planted = await PlantAsync(Row2, "Postings", 12);

        var (status, _, body) = await GetAsync("api/v1/ledger/verify", PlatformFixture.FinanceKey); // before: an empty 500

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body["ok"]!.GetValue<bool>());
        var finding = Assert.Single(body["details"]!.AsArray(), d => d!["kind"]!.GetValue<string>() == "EntryUnreadable")!;
        Assert.Equal("payment:evt_t2", finding["subject"]!.GetValue<string>());
        Assert.Contains($"row '{Row2}'), property 'Postings': Edm.Int32 found, Edm.String expected", finding["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Entries_RowHoldsAPlantedValue_ListsTheReadableEntriesAndThatRowApart()
    {
        await BookAsync();
        string hash = (await Ledger.GetAsync("payment:evt_t2", CancellationToken.None))!.Hash;
        await using var planted = await PlantAsync(Row2, "Sequence", "2");

        var (status, _, body) = await GetAsync("api/v1/ledger/entries?from=1&limit=3", PlatformFixture.FinanceKey);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal([1L, 3L], body["entries"]!.AsArray().Select(e => e!["sequence"]!.GetValue<long>()));
        var row = Assert.Single(body["unreadable"]!.AsArray())!;
        Assert.Equal((Row2, 2L, "payment:evt_t2", hash), (row["row"]!.GetValue<string>(), row["sequence"]!.GetValue<long>(), row["entryId"]!.GetValue<string>(), row["hash"]!.GetValue<string>()));
        Assert.Contains("property 'Sequence': Edm.String found, Edm.Int64 expected", row["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.True(body["head"]!["sequence"]!.GetValue<long>() >= 3);
        Assert.Equal(4, body["next"]!.GetValue<long>()); // the unreadable row counts towards the page
    }

    [Fact]
    public async Task Entries_HeadHoldsAPlantedValue_HeadNullAndListedApart()
    {
        await BookAsync();
        await using var planted = await PlantAsync(LedgerStore.HeadRowKey, "LastHash", 3L);

        var (status, _, body) = await GetAsync("api/v1/ledger/entries", PlatformFixture.FinanceKey);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(body["head"]);
        Assert.True(body.AsObject().ContainsKey("head"));
        Assert.True(body["entries"]!.AsArray().Count >= 3);
        var row = Assert.Single(body["unreadable"]!.AsArray())!;
        Assert.Equal("head", row["row"]!.GetValue<string>());
        Assert.Contains("property 'LastHash'", row["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Balances_RowHoldsAPlantedValue_Answers409NamingTheRowToFinanceOnly()
    {
        await BookAsync();
        await using var planted = await PlantAsync(Row2, "Postings", "[[\"cash:stripe\",\"USD\",200]]");

        var finance = await GetAsync("api/v1/ledger/balances", PlatformFixture.FinanceKey);
        var payer = await GetAsync("api/v1/ledger/balances?payer=carrier-tmo", PlatformFixture.CarrierKey);

        Assert.Equal((HttpStatusCode.Conflict, "application/problem+json"), (finance.Status, finance.MediaType)); // before: an empty 500
        Assert.Contains($"row '{Row2}'), property 'Postings'", finance.Body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Conflict, "application/problem+json"), (payer.Status, payer.MediaType));
        Assert.DoesNotContain(Row2, payer.Body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.All(new[] { finance.Body, payer.Body }, b => Assert.Equal(Billing.Contracts.Problems.ApiProblem.StorageIntegrityType, b["type"]!.GetValue<string>())); // before: …/problems/409
    }

    [Fact]
    public async Task Proof_AnotherEntryOfTheAnchorHoldsAPlantedValue_ProvesThisOneAndNamesThatRowOnlyToFinance()
    {
        await BookAsync();
        await using var planted = await PlantAsync(Row2, "Metadata", 5);

        var other = await GetAsync("api/v1/ledger/proof/payment:evt_t1", PlatformFixture.CarrierKey);
        var finance = await GetAsync("api/v1/ledger/proof/payment:evt_t2", PlatformFixture.FinanceKey);
        var payer = await GetAsync("api/v1/ledger/proof/payment:evt_t2", PlatformFixture.CarrierKey);

        Assert.Equal(HttpStatusCode.OK, other.Status); // before: an empty 500 for every entry of that anchor
        Assert.True(other.Body["verified"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.Conflict, finance.Status);
        Assert.Contains($"row '{Row2}'), property 'Metadata'", finance.Body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Billing.Contracts.Problems.ApiProblem.StorageIntegrityType, finance.Body["type"]!.GetValue<string>()); // before: …/problems/409
        Assert.Equal(HttpStatusCode.NotFound, payer.Status); // whose entry it is cannot be read either
    }

    [Fact]
    public async Task Proof_EntryAmountsEditedKeepingItsStoredHash_Answers200NotVerified()
    {
        await BookAsync();
        var row = (await Ledger.Table.GetEntityAsync<TableEntity>(LedgerStore.PartitionKey(LedgerEntries.MainBook), Row2)).Value;
        string cut = row.GetString("Postings").Replace("\"200\"", "\"2\"", StringComparison.Ordinal).Replace("\"-200\"", "\"-2\"", StringComparison.Ordinal);
        await using var planted = await PlantAsync(Row2, "Postings", cut);

        var (status, _, body) = await GetAsync("api/v1/ledger/proof/payment:evt_t2", PlatformFixture.FinanceKey);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(body["entry"]!["postings"]!.AsArray(), p => p!.ToJsonString().Contains("\"2\"", StringComparison.Ordinal));
        Assert.False(body["verified"]!.GetValue<bool>()); // before: true, the cut amounts shown as proven on chain
    }

    [Fact]
    public async Task AnchorLedger_NewEntryHoldsAPlantedValue_RunSucceedsAndAnchorsNothingOverIt()
    {
        await BookAsync();
        int anchored = (await GetAsync("api/v1/ledger/verify", PlatformFixture.FinanceKey)).Body["anchors"]!.GetValue<int>();
        var fourth = await Ledger.AppendAsync(LedgerEntries.MainBook, LedgerEntries.PaymentReceived("evt_t4", "INV-carrier-tmo-202610", "carrier-tmo", 400, "USD", DateTimeOffset.UtcNow)!, CancellationToken.None);
        await using var planted = await PlantAsync(LedgerStore.SequenceRowKey(fourth.Sequence), "Kind", 4);

        using var anchor = await platform.Client.PostAsync("admin/functions/AnchorLedger", null); // before: the function failed (500)
        var (_, _, verify) = await GetAsync("api/v1/ledger/verify", PlatformFixture.FinanceKey);

        Assert.Equal(HttpStatusCode.Accepted, anchor.StatusCode);
        Assert.Equal(anchored, verify["anchors"]!.GetValue<int>()); // nothing anchored while that entry cannot be read
        Assert.Contains(verify["details"]!.AsArray(), d => d!["kind"]!.GetValue<string>() == "EntryUnreadable" && d["subject"]!.GetValue<string>() == "payment:evt_t4");
    }
}
