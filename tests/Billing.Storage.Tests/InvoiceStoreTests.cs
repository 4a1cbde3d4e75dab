namespace Billing.Storage.Tests;

/// <summary>Invoice and close rows someone with write access to storage changed: listings read the others and name the row; point reads say which property.</summary>
[Collection(AzuriteCollection.Name)]
public class InvoiceStoreTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly BillingPeriod October = new(2026, 10);

    private static Invoice Finalized(string payer, long cents) => Finalized(new InvoiceId(payer, October), cents);

    private static Invoice Finalized(InvoiceId id, long cents) =>
        new Invoice(id, "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD,
            [new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(cents, Currency.USD))]).Finalize();

    /// <summary>Invoices of carrier-a, carrier-b and carrier-c for October.</summary>
    private async Task<(BillingTables Tables, InvoiceStore Store, IReadOnlyList<Invoice> Invoices)> ThreeInvoicesAsync()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new InvoiceStore(tables);
        var invoices = new List<Invoice>();
        foreach (string payer in new[] { "carrier-a", "carrier-b", "carrier-c" })
        {
            invoices.Add((await store.AddOrGetAsync(Finalized(payer, 1_000), Ct)).Invoice);
        }

        return (tables, store, invoices);
    }

    /// <summary>Sets <paramref name="property"/> of the invoice's row behind the platform's back, as someone with write access to storage could.</summary>
    private static Task PlantAsync(BillingTables tables, Invoice invoice, string property, object value) =>
        tables.Invoices.UpdateEntityAsync(new TableEntity(October.ToCompactString(), TableKey.Escape(invoice.Id.ToString())) { [property] = value }, ETag.All, TableUpdateMode.Merge, Ct);

    public static TheoryData<string, object, string> PlantedValues => new()
    {
        { "Json", 5L, "Edm.Int64 found, Edm.String expected" },
        { "Json", "{\"id\":", "not an invoice this platform writes" },
        { "Json", "{}", "not an invoice this platform writes" },
        { "Json", InvoiceJson.Serialize(Finalized("carrier-c", 99_999)), "holds invoice INV-carrier-c-202610, which is not stored under this key" },
        { "Payer", "carrier-c", "'carrier-c', the invoice bills 'carrier-b'" },
        { "Payer", 7L, "Edm.Int64 found, Edm.String expected" },
        { "TotalMinor", "1000", "Edm.String found, Edm.Int64 expected" },
        { "Status", 3, "Edm.Int32 found, Edm.String expected" },
    };

    [Fact]
    public async Task AnyOfPayerAsync_OnlyAnotherPayersIdBeginsLikeIt_False_ItsOwnWithThePayerPlanted_True()
    {
        var (tables, store, invoices) = await ThreeInvoicesAsync();
        await store.AddOrGetAsync(Finalized("carrier-d-eu", 1_000), Ct); // INV-carrier-d-eu-202610 begins like carrier-d's would
        await PlantAsync(tables, invoices[0], "Payer", "someone-else"); // found by key, not by the property

        Assert.False(await store.AnyOfPayerAsync("carrier-d", Ct));
        Assert.True(await store.AnyOfPayerAsync("carrier-d-eu", Ct));
        Assert.True(await store.AnyOfPayerAsync("carrier-a", Ct));
        Assert.False(await store.AnyOfPayerAsync("carrier", Ct));
    }

    [Fact]
    public async Task PayersAsync_InvoicesRevisionsAndAPlantedKey_EachPayerOfThePeriodOnceByKey()
    {
        var (tables, store, invoices) = await ThreeInvoicesAsync();
        await store.AddOrGetAsync(Finalized(new InvoiceId("carrier-d-eu", October, 1), 1_000), Ct);
        await PlantAsync(tables, invoices[0], "Payer", "someone-else"); // found by key, not by the property
        await tables.Invoices.AddEntityAsync(new TableEntity(October.ToCompactString(), "not-an-invoice"), Ct);
        await store.AddOrGetAsync(Finalized(new InvoiceId("carrier-x", October.Next), 1_000), Ct);

        Assert.Equal(["carrier-a", "carrier-b", "carrier-c", "carrier-d-eu"], await store.PayersAsync(October, Ct));
        Assert.Equal(["carrier-x"], await store.PayersAsync(October.Next, Ct));
        Assert.Empty(await store.PayersAsync(October.Previous, Ct));
    }

    [Theory]
    [MemberData(nameof(PlantedValues))]
    public async Task ListAsync_OneRowHoldsAPlantedValue_ListsTheOthersAndThatRowApartNamingTheProperty(string property, object value, string reason)
    {
        var (tables, store, invoices) = await ThreeInvoicesAsync();
        await PlantAsync(tables, invoices[1], property, value);

        // Before: GetString threw InvalidOperationException (or the JSON parser its own), and GET /api/v1/invoices failed for everyone.
        var list = await store.ListAsync(October, null, Ct);

        Assert.Equal([invoices[0].Id, invoices[2].Id], list.Items.Select(i => i.Id));
        var unreadable = Assert.Single(list.Unreadable);
        Assert.Equal(invoices[1].Id.ToString(), unreadable.Id);
        Assert.Contains($"property '{property}': {reason}", unreadable.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListAsync_AnotherPayerPlantedInTheRowsPayer_ListsItForThatPayerOnlyAsUnreadable()
    {
        var (tables, store, invoices) = await ThreeInvoicesAsync();
        await PlantAsync(tables, invoices[1], "Payer", "carrier-c");

        var forC = await store.ListAsync(null, "carrier-c", Ct);

        Assert.Equal([invoices[2].Id], forC.Items.Select(i => i.Id)); // never carrier-b's invoice shown to carrier-c
        Assert.Equal(invoices[1].Id.ToString(), Assert.Single(forC.Unreadable).Id);
    }

    [Fact]
    public async Task GetAsync_RowHoldsAPlantedValue_ThrowsInvalidDataExceptionNamingRowAndProperty()
    {
        var (tables, store, invoices) = await ThreeInvoicesAsync();
        await PlantAsync(tables, invoices[0], "Json", 12L);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetAsync(invoices[0].Id, Ct));

        Assert.Contains($"invoice row (partition '202610', row '{invoices[0].Id}'), property 'Json': Edm.Int64 found, Edm.String expected", ex.Message, StringComparison.Ordinal);
        Assert.Equal(invoices[1].Total, (await store.GetAsync(invoices[1].Id, Ct))!.Total);
    }

    [Fact]
    public async Task ListForPayerAsync_OneOfThePayersRowsUnreadable_ThrowsRatherThanLeaveItOut()
    {
        var (tables, store, invoices) = await ThreeInvoicesAsync();
        await PlantAsync(tables, invoices[0], "TotalMinor", "1000");

        // What a payer was billed is derived from these: leaving one out would bill it again as a correction.
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.ListForPayerAsync("carrier-a", October, October, Ct));

        Assert.Contains("property 'TotalMinor'", ex.Message, StringComparison.Ordinal);
        Assert.Single(await store.ListForPayerAsync("carrier-b", October, October, Ct));
    }

    [Fact]
    public async Task ListForPayerAsync_ThePayersRowWithoutItsPayerProperty_ThrowsNamingIt()
    {
        var (tables, store, invoices) = await ThreeInvoicesAsync();
        var row = (await tables.Invoices.GetEntityAsync<TableEntity>(October.ToCompactString(), invoices[0].Id.ToString(), cancellationToken: Ct)).Value;
        row.Remove("Payer");
        await tables.Invoices.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace, Ct);

        // Before: the query selected the payer's rows by that property, so the invoice was left out and billed again as a correction.
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.ListForPayerAsync("carrier-a", October, October, Ct));

        Assert.Contains("property 'Payer': missing", ex.Message, StringComparison.Ordinal);
        Assert.Equal(invoices[0].Id.ToString(), Assert.Single((await store.ListAsync(October, null, Ct)).Unreadable).Id); // reconcile's InvoiceUnreadable
    }

    [Fact]
    public async Task ListForPayerAsync_OtherPayersRowsUnreadableOrNamingThePayer_ListsThePayersOwnInvoicesAndRevisions()
    {
        var (tables, store, invoices) = await ThreeInvoicesAsync();
        var reissue = (await store.AddOrGetAsync(invoices[0].Reissue(invoices[0].Lines).Finalize(), Ct)).Invoice;
        var longer = (await store.AddOrGetAsync(Finalized("carrier-a-x", 500), Ct)).Invoice; // its key starts with carrier-a's
        await PlantAsync(tables, longer, "TotalMinor", "1000");
        await PlantAsync(tables, invoices[1], "Payer", "carrier-a");

        // Before: carrier-b's row, selected by the Payer planted in it, failed carrier-a's listing.
        var list = await store.ListForPayerAsync("carrier-a", October, October, Ct);

        Assert.Equal([invoices[0].Id, reissue.Id], list.Select(i => i.Id).OrderBy(i => i.ToString(), StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetCloseAsync_CloseRowHoldsAPlantedValue_ThrowsInvalidDataExceptionNamingTheProperty()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new InvoiceStore(tables);
        Assert.True(await store.TrySaveCloseAsync(new PeriodCloseRecord(October, October.End, new Dictionary<string, string>()), null, Ct));
        await tables.Invoices.UpdateEntityAsync(new TableEntity("close", October.ToCompactString()) { ["ClosedAt"] = "yesterday" }, ETag.All, TableUpdateMode.Merge, Ct);

        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => store.GetCloseAsync(October, Ct));

        Assert.Contains("period close row", ex.Message, StringComparison.Ordinal);
        Assert.Contains("property 'ClosedAt': Edm.String found, Edm.DateTime expected", ex.Message, StringComparison.Ordinal);
    }
}
