using Azure;

namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// Closes over usage changed outside the platform (someone with write access to storage): the payer whose usage does not
/// reconcile fails, with the reason in the close record, and is never billed short; everyone else is invoiced.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class PeriodCloserTamperingTests(AzuriteFixture azurite)
{
    private static readonly BillingPeriod October = new(2026, 10);

    private Task<PeriodCloserSetup> NewAsync(DateTimeOffset now) => PeriodCloserSetup.NewAsync(azurite, now);

    [Fact]
    public async Task CloseAsync_OnePayersFactRowUnreadable_OthersInvoicedAndTheFailureReported()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);
        var tampered = SampleFacts.Carrier("idle-1", 20_000_000_000, October.Start.AddDays(2), "carrier-idle");
        await setup.Facts.AppendAsync([tampered], CancellationToken.None);
        // As someone with write access to storage could: text where the platform wrote a number, and the month rollup of
        // that partition made unusable, so the close reads the facts.
        string pk = setup.Facts.PartitionKey("carrier-idle", "carrier-idle", "idle-1");
        var table = setup.Tables.Facts;
        await table.UpdateEntityAsync(new TableEntity(pk, FactStore.TimeRowKey(tampered.Fact.Time, "carrier-idle", "idle-1")) { ["Bytes"] = "12" }, ETag.All, TableUpdateMode.Merge);
        await table.UpdateEntityAsync(new TableEntity(pk, Billing.Storage.Rollups.RollupCodec.RowKey(UsageWindow.Month, October.Start)) { ["Detail"] = "Overflow" }, ETag.All, TableUpdateMode.Merge);

        // Before: the whole close threw.
        string reason = await setup.CloseWithOneFailedPayerAsync(October, "carrier-idle", "carrier-tmo", "tenant-idle");

        Assert.Contains("property 'Bytes'", reason, StringComparison.Ordinal);
        Assert.Contains("not written by this platform", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloseAsync_OnePayersRollupsDeletedBesideItsFacts_PayerFailsInsteadOfBeingBilledShort()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);
        await setup.AddCarrierAsync(October.Start.AddDays(2), 20_000_000_000, payer: "carrier-idle");
        string pk = setup.Facts.PartitionKey("carrier-idle", "carrier-idle", "s-2");
        await foreach (var row in setup.Tables.Facts.QueryAsync<TableEntity>(e => e.PartitionKey == pk))
        {
            if (row.RowKey.StartsWith(Billing.Storage.Rollups.RollupCodec.RowPrefix, StringComparison.Ordinal))
            {
                await setup.Tables.Facts.DeleteEntityAsync(pk, row.RowKey);
            }
        }

        // Before: carrier-idle's month read as empty, so its 2 TB went unbilled without a word.
        string reason = await setup.CloseWithOneFailedPayerAsync(October, "carrier-idle", "carrier-tmo");

        Assert.Contains("missing while facts are stored", reason, StringComparison.Ordinal);
    }
}
