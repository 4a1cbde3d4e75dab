using Billing.Tests.Shared;

namespace Billing.Functions.Tests.GetInvoice;

/// <summary>
/// A platform whose settings seed payers with ids that hold characters a URL path or a header must encode. Settings take
/// any 1-128 printable characters but '|' (the API's own ids are slugs), so such payers exist wherever settings seed.
/// </summary>
public sealed class PayerIdCharactersPlatform : IAsyncLifetime
{
    /// <summary>Ids and keys: '/', the URL's own '?', '#', '+' and '%' (before two hex digits, and before "2F" itself).</summary>
    public static readonly IReadOnlyList<(string Id, string Key)> UrlPayers =
    [
        ("carrier/slash", "k-url-slash-00001"),
        ("carrier?q#h+p%41", "k-url-query-00001"),
        ("carrier-%2F", "k-url-pct2f-00001"),
    ];

    /// <summary>Ids a quoted header parameter must escape ('"', '\') or cannot hold at all (non-ASCII).</summary>
    public static readonly IReadOnlyList<(string Id, string Key)> HeaderPayers =
    [
        ("carrier\"q\\b", "k-hdr-quote-00001"),
        ("carrier-é", "k-hdr-accent-0001"),
    ];

    public PlatformFixture Platform { get; } = new([.. UrlPayers.Concat(HeaderPayers).Select(p => (p.Id, "Carrier", p.Key, (string?)"carrier-standard-v1"))]);

    public Task InitializeAsync() => Platform.InitializeAsync();

    public Task DisposeAsync() => Platform.DisposeAsync();

    /// <summary>The payer's January 2019 invoice (a month no close of this platform makes), stored and booked in the ledger.</summary>
    public async Task<InvoiceId> StoreBookedInvoiceAsync(string payer)
    {
        var tables = new BillingTables(new TableServiceClient(Platform.ConnectionString), new StorageOptions { TablePrefix = Platform.TablePrefix });
        var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(1_234, Currency.USD));
        var id = new InvoiceId(payer, new BillingPeriod(2019, 1));
        var (invoice, _) = await new InvoiceStore(tables).AddOrGetAsync(new Invoice(id, "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [line]).Finalize(), CancellationToken.None);
        await new LedgerStore(tables, TestSeals.Keys).AppendAsync(LedgerEntries.MainBook, LedgerEntries.InvoiceFinalized(invoice, DateTimeOffset.UnixEpoch)!, CancellationToken.None);
        return id;
    }
}
