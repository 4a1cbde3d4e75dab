namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// A partner row the registry cannot parse (planted with storage write access) fails that partner alone in a close: the
/// other payers are invoiced, it is recorded as failed (so the month does not count as closed for it and its usage is
/// not lost), and once the row is mended the next close bills it.
/// </summary>
public class PeriodCloserUnreadablePartnerTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
    [Fact]
    public async Task CloseAsync_OnePartnerRowUnparseable_OthersInvoicedItFailsUntilMendedThenBilled()
    {
        var setup = await NewAsync(October.End.AddHours(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 150_000_000_000);                        // carrier-tmo: 15.00
        await setup.AddComputeAsync(October.Start.AddDays(2), "H100", 3_600);                          // tenant-lab: minimum 100.00
        var table = setup.Tables.Partners;
        var original = (await table.GetEntityAsync<TableEntity>("p", "carrier-tmo")).Value;
        await table.UpdateEntityAsync(new TableEntity("p", "carrier-tmo") { ["Role"] = "overlord" }, Azure.ETag.All, TableUpdateMode.Merge);

        string reason = await setup.CloseWithOneFailedPayerAsync(October, "carrier-tmo", "tenant-lab", "tenant-idle");

        Assert.Contains("property 'Role'", reason, StringComparison.Ordinal);
        Assert.Null(await setup.Invoices.GetAsync(new InvoiceId("carrier-tmo", October), CancellationToken.None));

        await table.UpdateEntityAsync(original, Azure.ETag.All, TableUpdateMode.Replace);
        var mended = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Empty(mended.Failed);
        Assert.Equal(1500, Assert.Single(mended.Invoices, i => i.Payer == "carrier-tmo").Total.MinorUnits);
        Assert.Empty((await setup.Invoices.GetCloseAsync(October, CancellationToken.None))!.Value.Record.FailedPayers);
    }
}
