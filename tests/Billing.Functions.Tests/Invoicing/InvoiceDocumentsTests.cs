using Billing.Application.Burns;
using Billing.Documents.Invoices;
using Billing.Solana.Configuration;
using Billing.Solana.Rpc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Billing.Tests.Shared;

namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// The invoice document on Azurite: what it shows of a carrier's offload bytes is what the close billed, kept with the
/// invoice, so late usage metered after the close (billed on a later invoice) never changes an issued document.
/// </summary>
public class InvoiceDocumentsTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>The documents over the setup's tables, built as the app's container builds them (from what it registers).</summary>
    private static async Task<InvoiceDocuments> DocumentsAsync(PeriodCloserSetup setup)
    {
        var tables = setup.Tables;
        var ledger = new LedgerStore(tables, TestSeals.Keys);
        await ledger.EnsureCreatedAsync(Ct);
        await new AnchorStore(tables).EnsureCreatedAsync(Ct);
        var rpc = new SolanaRpcClient(new HttpClient(), new SolanaRpcOptions { RpcUrl = new Uri("http://127.0.0.1:9") }); // the invoice is not booked: no proof is read
        var options = Options.Create(new LedgerOptions());
        var authority = new AnchorAuthority(options, new TreasuryProvider(Options.Create(new SolanaOptions()), rpc), tables);
        var services = new ServiceCollection()
            .AddSingleton(new PaymentStore(tables)).AddSingleton(new CreditNoteStore(tables)).AddSingleton(new BurnStore(tables)).AddSingleton(setup.Facts)
            .AddSingleton(setup.Partners).AddSingleton(ledger).AddSingleton(new LedgerReader(ledger, new AnchorStore(tables), authority, rpc))
            .AddSingleton(Options.Create(new InvoiceIssuerOptions())).AddSingleton<TimeProvider>(setup.Clock).AddSingleton(typeof(ILogger<>), typeof(NullLogger<>))
            .BuildServiceProvider();
        return ActivatorUtilities.CreateInstance<InvoiceDocuments>(services);
    }

    [Fact]
    public async Task AssembleAsync_LateUsageAfterTheClose_ShowsTheBytesTheCloseBilledAndTheDocumentDoesNotChange()
    {
        var setup = await NewAsync(September.End.AddDays(1));
        await setup.AddCarrierAsync(September.Start.AddDays(3), 10_000_000_123); // 100,002 DC
        var invoice = Assert.Single((await setup.Closer.CloseAsync(September, force: false, Ct)).Invoices, i => i.Payer == "carrier-tmo");
        var documents = await DocumentsAsync(setup);
        var before = await documents.AssembleAsync((await setup.Invoices.GetAsync(invoice.Id, Ct))!, Ct);

        await setup.AddCarrierAsync(September.End.AddHours(-1), 25_000_000_000); // late: the next close bills it on its own invoice
        var after = await documents.AssembleAsync((await setup.Invoices.GetAsync(invoice.Id, Ct))!, Ct);

        Assert.Equal((UInt128)10_000_000_123, before.OffloadBytes);
        Assert.Equal(before.OffloadBytes, after.OffloadBytes); // before: read live from the rollups, 35,000,000,123 now
        string text = (await PdfText.ReadAsync(InvoicePdf.Render(after))).All;
        Assert.Equal((await PdfText.ReadAsync(InvoicePdf.Render(before))).All, text);
        Assert.Contains("10,000,000,123 bytes", text, StringComparison.Ordinal);
    }

    // An invoice stored before the close kept its bytes still renders: with its Data Credits, and no byte count that
    // would be read from today's rollups, so its document no longer changes either.
    [Fact]
    public async Task AssembleAsync_InvoiceStoredWithoutBilledBytes_RendersWithoutAByteCount()
    {
        var setup = await NewAsync(September.End.AddDays(1));
        await setup.AddCarrierAsync(September.Start.AddDays(3), 10_000_000_000);
        var line = new InvoiceLine(Meters.OffloadBytes, "Data offload", null, 100_000m, "DC", 0.00001m, new Money(100, Currency.USD));
        var stored = new Invoice(new InvoiceId("carrier-tmo", September), "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [line]).Finalize();
        await setup.Invoices.AddOrGetAsync(stored, Ct);

        var document = await (await DocumentsAsync(setup)).AssembleAsync((await setup.Invoices.GetAsync(stored.Id, Ct))!, Ct);

        Assert.Null(document.OffloadBytes);
        string text = (await PdfText.ReadAsync(InvoicePdf.Render(document))).All;
        Assert.Contains("100,000 DC billed", text, StringComparison.Ordinal);
        Assert.DoesNotContain("bytes of offload", text, StringComparison.Ordinal);
    }
}
