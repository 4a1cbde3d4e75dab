namespace Billing.Functions.Tests.ListInvoices;

/// <summary>
/// Two January 2019 invoices stored in the platform's tables (a month no other test closes): carrier-tmo's with text
/// planted in its <c>TotalMinor</c>, and tenant-lab's, readable, whose burn row has text planted in its <c>UsdMinor</c>.
/// </summary>
internal static class UnreadableInvoiceRows
{
    public const string Period = "2019-01";
    public const string Planted = "INV-carrier-tmo-201901";
    public const string Readable = "INV-tenant-lab-201901";

    private static readonly ConcurrentDictionary<string, Lazy<Task>> Stored = new(StringComparer.Ordinal);

    /// <summary>Stores both and plants the values, once per platform; every test calls it.</summary>
    public static Task StoreAsync(PlatformFixture platform) =>
        Stored.GetOrAdd(platform.TablePrefix, _ => new Lazy<Task>(() => StoreOnceAsync(platform))).Value;

    private static async Task StoreOnceAsync(PlatformFixture platform)
    {
        var tables = new BillingTables(new TableServiceClient(platform.ConnectionString), new StorageOptions { TablePrefix = platform.TablePrefix });
        var invoices = new InvoiceStore(tables);
        foreach (string id in new[] { Planted, Readable })
        {
            var invoiceId = InvoiceId.Parse(id);
            var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(1_234, Currency.USD));
            await invoices.AddOrGetAsync(new Invoice(invoiceId, "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [line]).Finalize(), CancellationToken.None);
        }

        // An ended burn (never executed) for the readable invoice, so its document has a burn to show.
        var now = DateTimeOffset.UtcNow;
        await new BurnStore(tables).CreateIfAbsentAsync(new BurnIntent
        {
            Id = BurnIntent.IdFor(Readable), InvoiceId = Readable, Payer = "tenant-lab", PaymentId = "evt_planted", UsdMinor = 1_234, Currency = "USD",
            Status = BurnStatus.Failed, Reason = "test", CreatedAt = now, UpdatedAt = now,
        }, CancellationToken.None);

        // As someone with write access to storage could.
        await tables.Invoices.UpdateEntityAsync(new TableEntity("201901", TableKey.Escape(Planted)) { ["TotalMinor"] = "1234" }, ETag.All, TableUpdateMode.Merge);
        await tables.Burns.UpdateEntityAsync(new TableEntity("burn", TableKey.Escape(BurnIntent.IdFor(Readable))) { ["UsdMinor"] = "1234" }, ETag.All, TableUpdateMode.Merge);
    }
}
