using Billing.Tests.Shared;

namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// A partner row the registry cannot parse (planted with storage write access) fails that partner alone in a close: the
/// other payers are invoiced, it is recorded as failed (so the month does not count as closed for it and its usage is
/// not lost), and once the row is mended the next close bills it. So does a payer whose id no invoice id can hold.
/// </summary>
public class PeriodCloserUnreadablePartnerTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
    /// <summary>
    /// October's usage of carrier-tmo (15.00) and tenant-lab, carrier-tmo's row then damaged by <paramref name="damage"/>:
    /// the close fails carrier-tmo alone (returned: why) and invoices the others; once its row is put back as it was, the
    /// next close bills it.
    /// </summary>
    private async Task<string> CloseWithCarrierRowDamagedThenRestoredAsync(Func<TableClient, Task> damage)
    {
        var setup = await NewAsync(October.End.AddHours(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 150_000_000_000);                        // carrier-tmo: 15.00
        await setup.AddComputeAsync(October.Start.AddDays(2), "H100", 3_600);                          // tenant-lab: minimum 100.00
        var table = setup.Tables.Partners;
        var original = (await table.GetEntityAsync<TableEntity>("p", "carrier-tmo")).Value;
        await damage(table);

        string reason = await setup.CloseWithOneFailedPayerAsync(October, "carrier-tmo", "tenant-lab", "tenant-idle");

        Assert.Null(await setup.Invoices.GetAsync(new InvoiceId("carrier-tmo", October), CancellationToken.None));
        await table.UpsertEntityAsync(original, TableUpdateMode.Replace);
        var mended = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Empty(mended.Failed);
        Assert.Equal(1500, Assert.Single(mended.Invoices, i => i.Payer == "carrier-tmo").Total.MinorUnits);
        Assert.Empty((await setup.Invoices.GetCloseAsync(October, CancellationToken.None))!.Value.Record.FailedPayers);
        return reason;
    }

    [Fact]
    public async Task CloseAsync_OnePartnerRowUnparseable_OthersInvoicedItFailsUntilMendedThenBilled()
    {
        string reason = await CloseWithCarrierRowDamagedThenRestoredAsync(table =>
            table.UpdateEntityAsync(new TableEntity("p", "carrier-tmo") { ["Role"] = "overlord" }, Azure.ETag.All, TableUpdateMode.Merge));

        Assert.Contains("property 'Role'", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloseAsync_PayerRowRemovedWithItsTrailLeft_OthersInvoicedItFailsSayingTheRowIsMissingUntilRestoredThenBilled()
    {
        // As someone with write access to storage could. Before: carrier-tmo was passed over unnoticed (no invoice, not
        // failed), its 15.00 of October usage unbilled.
        string reason = await CloseWithCarrierRowDamagedThenRestoredAsync(table => table.DeleteEntityAsync("p", "carrier-tmo", Azure.ETag.All));

        Assert.Contains("partner row is missing", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("carrier old", "whitespace")]                  // INV-{payer}-{yyyyMM} holds no whitespace
    [InlineData("carrier-\U0001F600", "ledger account")]       // receivable:{payer} holds no surrogates
    public async Task CloseAsync_PayerIdNoInvoiceOrLedgerAccountCanHold_OthersInvoicedAndBookedItFailsNamingWhy(string payer, string why)
    {
        // Settings once seeded such payer ids: before, the whole close threw, and no payer of any month was invoiced.
        var ledger = new LedgerStore(await Azurite.NewTablesAsync(), TestSeals.Keys);
        await ledger.EnsureCreatedAsync(CancellationToken.None);
        var setup = await NewAsync(October.End.AddHours(1), (_, partners, clock) => new InvoiceFinalization(new LedgerRecorder(ledger, partners, clock), new SkippedFinalizationStep()));
        await setup.Partners.UpsertAsync(new PartnerRegistration(new Partner(payer, PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-old-0001"), CancellationToken.None);
        await setup.AddCarrierAsync(October.Start.AddDays(1), 150_000_000_000);                        // carrier-tmo: 15.00
        await setup.AddCarrierAsync(October.Start.AddDays(1), 150_000_000_000, payer: payer);

        string reason = await setup.CloseWithOneFailedPayerAsync(October, payer, "carrier-tmo", "tenant-lab");

        Assert.Contains(why, reason, StringComparison.Ordinal);
        Assert.Equal(1500, Assert.Single((await setup.Invoices.ListAsync(October, null, CancellationToken.None)).Items, i => i.Payer == "carrier-tmo").Total.MinorUnits);
        Assert.NotNull(await ledger.GetAsync(LedgerEntries.InvoiceFinalizedId(new InvoiceId("carrier-tmo", October).ToString()), CancellationToken.None));
    }
}
