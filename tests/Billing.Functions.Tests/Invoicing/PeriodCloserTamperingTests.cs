using Azure;
using Billing.Application.Ledger;
using Billing.Domain.Ledger;
using Billing.Storage.Ledger;

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

        var result = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None); // before: the whole close threw

        Assert.Contains(result.Invoices, i => i.Payer == "carrier-tmo");
        Assert.Contains(result.Invoices, i => i.Payer == "tenant-idle");
        Assert.DoesNotContain(result.Invoices, i => i.Payer == "carrier-idle");
        string reason = Assert.Single(result.Failed, f => f.Key == "carrier-idle").Value;
        Assert.Contains("property 'Bytes'", reason, StringComparison.Ordinal);
        Assert.Contains("not written by this platform", reason, StringComparison.Ordinal);
        Assert.Equal(["carrier-idle"], (await setup.Invoices.GetCloseAsync(October, CancellationToken.None))!.Value.Record.FailedPayers.Keys);
        var again = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);
        Assert.Equal(["carrier-idle"], again.Failed.Keys); // retried, still failing, nobody else re-billed
        Assert.Equal(result.Invoices.Select(i => i.Id), again.Invoices.Select(i => i.Id));
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
        var result = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Contains(result.Invoices, i => i.Payer == "carrier-tmo");
        Assert.DoesNotContain(result.Invoices, i => i.Payer == "carrier-idle");
        Assert.Contains("missing while facts are stored", Assert.Single(result.Failed, f => f.Key == "carrier-idle").Value, StringComparison.Ordinal);
    }

    /// <summary>The Stripe step of a close (after the ledger booking): records the invoices it was given.</summary>
    private sealed class SyncedInvoices : IInvoiceFinalizedHandler
    {
        public List<string> Ids { get; } = [];

        public Task<Invoice> OnFinalizedAsync(Invoice invoice, CancellationToken cancellationToken)
        {
            lock (Ids)
            {
                Ids.Add(invoice.Id.ToString());
            }

            return Task.FromResult(invoice);
        }
    }

    [Fact]
    public async Task CloseAsync_LedgerHeadHoldsAPlantedValue_PayersFailWithTheReasonNothingGoesToStripeAndARepairedHeadBooksThem()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);
        await setup.AddComputeAsync(October.Start.AddDays(2), "H100", 7_200);
        var ledger = new LedgerStore(setup.Tables);
        await ledger.EnsureCreatedAsync(CancellationToken.None);
        await ledger.AppendAsync(LedgerEntries.MainBook, LedgerEntries.PaymentReceived("evt_0", "INV-x-202609", "x", 100, "USD", October.Start)!, CancellationToken.None);
        string pk = LedgerStore.PartitionKey(LedgerEntries.MainBook);
        await ledger.Table.UpdateEntityAsync(new TableEntity(pk, LedgerStore.HeadRowKey) { ["LastSequence"] = "1" }, ETag.All, TableUpdateMode.Merge);
        var stripe = new SyncedInvoices();
        var closer = new PeriodCloser(setup.Facts, setup.Invoices, setup.Partners, setup.Plans,
            new InvoiceFinalization(new LedgerRecorder(ledger, setup.Clock), stripe), setup.Clock,
            Microsoft.Extensions.Options.Options.Create(new InvoicingOptions()), NullLogger<PeriodCloser>.Instance);

        var result = await closer.CloseAsync(October, force: false, CancellationToken.None); // before: the whole close threw

        Assert.Empty(result.Invoices);
        Assert.Equal(["carrier-tmo", "tenant-idle", "tenant-lab"], result.Failed.Keys.Order(StringComparer.Ordinal));
        Assert.All(result.Failed.Values, reason => Assert.Contains("row 'head'), property 'LastSequence': Edm.String found, Edm.Int64 expected", reason, StringComparison.Ordinal));
        Assert.Empty(stripe.Ids); // never sent to Stripe unbooked
        Assert.Single(await ledger.ReadAllAsync(LedgerEntries.MainBook, CancellationToken.None));

        await ledger.Table.UpdateEntityAsync(new TableEntity(pk, LedgerStore.HeadRowKey) { ["LastSequence"] = 1L }, ETag.All, TableUpdateMode.Merge);
        var again = await closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Empty(again.Failed);
        Assert.Equal(3, again.Invoices.Count);
        Assert.Equal(again.Invoices.Select(i => i.Id.ToString()).Order(StringComparer.Ordinal), stripe.Ids.Order(StringComparer.Ordinal));
        var entries = await ledger.ReadAllAsync(LedgerEntries.MainBook, CancellationToken.None);
        Assert.Equal(4, entries.Count);
        Assert.Empty(HashChain.Verify(entries));
    }
}
