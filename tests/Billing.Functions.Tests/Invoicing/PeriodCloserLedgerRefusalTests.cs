using Billing.Tests.Shared;

namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// A refusal of the ledger that would repeat on every retry (an entry id already booked otherwise, an entry the ledger's
/// rules refuse) fails that payer alone in a close, as docs/design.md decision 8 says: the other payers are invoiced and
/// booked, and it is recorded as failed with the ledger's reason. Before, the exception escaped and no payer was invoiced.
/// </summary>
public class PeriodCloserLedgerRefusalTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
    [Fact]
    public async Task CloseAsync_InvoiceEntryIdBookedOtherwise_OthersInvoicedAndBookedItFailsNamingTheConflict()
    {
        var (setup, ledger) = await NewBookingAsync();
        await setup.AddCarrierAsync(October.Start.AddDays(1), 150_000_000_000);                        // carrier-tmo: 15.00
        await setup.AddComputeAsync(October.Start.AddDays(2), "H100", 3_600);                          // tenant-lab: minimum 100.00
        string entryId = LedgerEntries.InvoiceFinalizedId(new InvoiceId("carrier-tmo", October).ToString());
        await ledger.AppendAsync(LedgerEntries.MainBook, new LedgerEntryDraft(entryId, LedgerEntryKind.InvoiceFinalized, October.End,
            [new Posting(Accounts.Receivable("carrier-tmo"), "USD", 1), new Posting(Accounts.Revenue("offload.bytes"), "USD", -1)]), CancellationToken.None);

        string reason = await setup.CloseWithOneFailedPayerAsync(October, "carrier-tmo", "tenant-lab");

        Assert.Contains("different booking", reason, StringComparison.Ordinal);
        Assert.NotNull(await ledger.GetAsync(LedgerEntries.InvoiceFinalizedId(new InvoiceId("tenant-lab", October).ToString()), CancellationToken.None));
    }

    [Fact]
    public async Task CloseAsync_PayerIdTooLongForItsInvoiceEntryId_OthersInvoicedAndBookedItFailsNamingTheLedgerRule()
    {
        // Fits an invoice id and receivable:{payer} (≤ 256), but not invoice-finalized:INV-{payer}-{yyyyMM} (≤ 256): a row
        // planted in the registry, as settings and the API refuse ids over 128 characters.
        string payer = "carrier-" + new string('x', 222);
        var (setup, ledger) = await NewBookingAsync();
        await setup.Partners.UpsertAsync(new PartnerRegistration(new Partner(payer, PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-long-001"), CancellationToken.None);
        await setup.AddCarrierAsync(October.Start.AddDays(1), 150_000_000_000);                        // carrier-tmo: 15.00
        await setup.AddCarrierAsync(October.Start.AddDays(1), 150_000_000_000, payer: payer);

        string reason = await setup.CloseWithOneFailedPayerAsync(October, payer, "carrier-tmo");

        Assert.Contains("entry id", reason, StringComparison.Ordinal);
        Assert.NotNull(await ledger.GetAsync(LedgerEntries.InvoiceFinalizedId(new InvoiceId("carrier-tmo", October).ToString()), CancellationToken.None));
    }

    /// <summary>A close that books its invoices in a ledger of its own (Stripe skipped).</summary>
    private async Task<(PeriodCloserSetup Setup, LedgerStore Ledger)> NewBookingAsync()
    {
        var ledger = new LedgerStore(await Azurite.NewTablesAsync(), TestSeals.Keys);
        await ledger.EnsureCreatedAsync(CancellationToken.None);
        var setup = await NewAsync(October.End.AddHours(1), (_, partners, clock) => new InvoiceFinalization(new LedgerRecorder(ledger, partners, clock), new SkippedFinalizationStep()));
        return (setup, ledger);
    }
}
