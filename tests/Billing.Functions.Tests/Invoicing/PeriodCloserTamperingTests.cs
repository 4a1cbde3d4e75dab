using Billing.Tests.Shared;

namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// Closes over usage changed outside the platform (someone with write access to storage): the payer whose usage does not
/// reconcile fails, with the reason in the close record, and is never billed short; everyone else is invoiced.
/// </summary>
public class PeriodCloserTamperingTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
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

    [Fact]
    public async Task CloseAsync_RollupRowsWhoseKeysAreNoBucketInThePayersPartitions_BilledFromTheRest()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);
        await setup.AddCarrierAsync(October.Start.AddDays(8), 20_000_000_000);
        for (int shard = 0; shard < setup.Facts.Shards; shard++)
        {
            foreach (string key in new[] { "r|h|2026100512x", "r|d|20261005x", "r|m|202610x", "r|m|202609x", "r|m|2026" })
            {
                await setup.Tables.Facts.AddEntityAsync(new TableEntity(FactStore.ShardPartitionKey("carrier-tmo", shard), key) { ["Detail"] = "Fine", ["S0"] = "offload.bytes|carrier-tmo|hs-1|wlan=999999999" });
            }
        }

        var result = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Empty(result.Failed);
        Assert.Equal(300_000m, Assert.Single(Assert.Single(result.Invoices, i => i.Payer == "carrier-tmo").Lines).Quantity); // 3e10 bytes in DC
    }

    /// <summary>Text where the platform wrote a number in the invoice's row, as someone with write access to storage could.</summary>
    private static Task PlantInInvoiceRowAsync(PeriodCloserSetup setup, InvoiceId id) =>
        setup.Tables.Invoices.UpdateEntityAsync(
            new TableEntity(id.Period.ToCompactString(), TableKey.Escape(id.ToString())) { ["TotalMinor"] = "1" }, ETag.All, TableUpdateMode.Merge);

    [Fact]
    public async Task CloseAsync_RepeatedWhileOneInvoiceRowIsUnreadable_ReturnsTheOthersInsteadOfThrowing()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);
        await setup.AddCarrierAsync(October.Start.AddDays(2), 20_000_000_000, payer: "carrier-idle");
        var first = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);
        await PlantInInvoiceRowAsync(setup, new InvoiceId("carrier-idle", October));

        var again = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None); // before: the whole close threw

        Assert.Equal(first.Invoices.Select(i => i.Id).Where(i => i.Payer != "carrier-idle"), again.Invoices.Select(i => i.Id));
        Assert.Empty(again.Failed);
    }

    [Fact]
    public async Task CloseAsync_OnePayersInvoiceOfTheMonthBeforeUnreadable_ThatPayerFailsNamingItAndTheOthersAreInvoiced()
    {
        var setup = await NewAsync(November.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);
        await setup.AddCarrierAsync(October.Start.AddDays(2), 20_000_000_000, payer: "carrier-idle");
        await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);
        await setup.AddCarrierAsync(November.Start.AddDays(1), 10_000_000_000);
        await setup.AddCarrierAsync(November.Start.AddDays(2), 20_000_000_000, payer: "carrier-idle");
        await PlantInInvoiceRowAsync(setup, new InvoiceId("carrier-idle", October));

        // What carrier-idle was billed for October cannot be known, so its November (which corrects October) is not guessed.
        var result = await setup.Closer.CloseAsync(November, force: false, CancellationToken.None);

        Assert.Contains(result.Invoices, i => i.Payer == "carrier-tmo");
        Assert.DoesNotContain(result.Invoices, i => i.Payer == "carrier-idle");
        string reason = Assert.Single(result.Failed, f => f.Key == "carrier-idle").Value;
        Assert.Contains("property 'TotalMinor': Edm.String found, Edm.Int64 expected", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloseAsync_PayerPropertyRemovedFromTheMonthBeforesInvoice_ThatPayerFailsNamingItAndOnceRepairedIsNotBilledAgain()
    {
        var setup = await NewAsync(July.End.AddDays(1));
        await setup.AddCarrierAsync(July.Start.AddDays(3), 10_000_000_000);                   // 1.00
        await setup.Closer.CloseAsync(July, force: false, CancellationToken.None);
        setup.Clock.SetUtcNow(August.Start.AddDays(5));
        await setup.AddCarrierAsync(July.End.AddDays(-1), 5_000_000_000);                     // late July: 0.50
        var row = (await setup.Tables.Invoices.GetEntityAsync<TableEntity>(July.ToCompactString(), "INV-carrier-tmo-202607")).Value;
        string payer = row.GetString("Payer");
        row.Remove("Payer");
        await setup.Tables.Invoices.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);

        setup.Clock.SetUtcNow(August.End.AddDays(1));
        var august = await setup.Closer.CloseAsync(August, force: false, CancellationToken.None);

        // Before: July's invoice was found by that property, so July counted as closed with nothing billed and August
        // billed all of it again (1.50 instead of 0.50).
        Assert.DoesNotContain(august.Invoices, i => i.Payer == "carrier-tmo");
        Assert.Contains("property 'Payer': missing", august.Failed["carrier-tmo"], StringComparison.Ordinal);

        await setup.Tables.Invoices.UpdateEntityAsync(new TableEntity(row.PartitionKey, row.RowKey) { ["Payer"] = payer }, ETag.All, TableUpdateMode.Merge);
        var again = Assert.Single((await setup.Closer.CloseAsync(August, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");

        Assert.Equal(50, Assert.Single(again.Lines, l => l.AdjustedPeriod == July).Amount.MinorUnits);
    }

    [Fact]
    public async Task CloseAsync_CloseLeaseRowHoldsAPlantedValue_TakesTheLeaseOverAndCloses()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);
        await setup.Tables.Invoices.UpsertEntityAsync(
            new TableEntity("lease", "period-close") { ["Owner"] = 42L, ["ExpiresAt"] = October.End.AddYears(10) }, TableUpdateMode.Replace);

        var result = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None); // before: every close threw

        Assert.Contains(result.Invoices, i => i.Payer == "carrier-tmo");
    }

    [Fact]
    public async Task ClosePeriodsTimer_AnEarlierMonthsCloseRecordUnreadable_StillClosesThePreviousMonth()
    {
        var setup = await NewAsync(October.End.AddHours(25));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 100_000);
        var august = October.Previous.Previous;
        Assert.True(await setup.Invoices.TrySaveCloseAsync(new PeriodCloseRecord(august, august.End, new Dictionary<string, string>()), null, CancellationToken.None));
        await setup.Tables.Invoices.UpdateEntityAsync(new TableEntity("close", august.ToCompactString()) { ["FailedPayers"] = 3 }, ETag.All, TableUpdateMode.Merge);
        var timer = new Billing.Functions.ClosePeriods.ClosePeriodsFunction(setup.Closer, setup.Invoices, Microsoft.Extensions.Options.Options.Create(new InvoicingOptions()), setup.Clock,
            NullLogger<Billing.Functions.ClosePeriods.ClosePeriodsFunction>.Instance);
        using var invocation = Billing.Functions.HostProtocol.InvocationRequest.Parse("{\"Data\":{\"timer\":\"{}\"},\"Metadata\":{}}"u8.ToArray());

        var response = await timer.InvokeAsync(invocation, CancellationToken.None); // before: the timer threw, and no month was closed again

        Assert.True(response.ReturnValue!["closed"]!.GetValue<bool>());
        Assert.NotNull(await setup.Invoices.GetAsync(new InvoiceId("carrier-tmo", October), CancellationToken.None));
        var ex = await Assert.ThrowsAsync<CloseRecordUnreadableException>(() => setup.Closer.CloseAsync(august, force: true, CancellationToken.None));
        Assert.Equal(august, ex.Period); // its own record: told apart from any other row a close cannot read
        Assert.Contains("property 'FailedPayers': Edm.Int32 found, Edm.String expected", ex.Message, StringComparison.Ordinal);
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
        var ledger = new LedgerStore(setup.Tables, TestSeals.Keys);
        await ledger.EnsureCreatedAsync(CancellationToken.None);
        await ledger.AppendAsync(LedgerEntries.MainBook, LedgerEntries.PaymentReceived("evt_0", "INV-x-202609", "x", 100, "USD", October.Start)!, CancellationToken.None);
        string pk = LedgerStore.PartitionKey(LedgerEntries.MainBook);
        await ledger.Table.UpdateEntityAsync(new TableEntity(pk, LedgerStore.HeadRowKey) { ["LastSequence"] = "1" }, ETag.All, TableUpdateMode.Merge);
        var stripe = new SyncedInvoices();
        var closer = new PeriodCloser(setup.Facts, setup.Invoices, setup.Partners, setup.Plans,
            new InvoiceFinalization(new LedgerRecorder(ledger, setup.Partners, setup.Clock), stripe), setup.Clock,
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
