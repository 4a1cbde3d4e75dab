using Billing.Application.Metering;

namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// Usage metered after every close that routinely corrects its month (the month itself and the two after it): a hub
/// backlog or a host outage delays metering, not acceptance, so the event is valid (it was enqueued within 35 days) and
/// must still be billed, once, by the next close, whatever the order of closes.
/// </summary>
public class PeriodCloserLateMeteringTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
    /// <summary>
    /// July, August and September closed; then a July session enqueued on August 30 (29 days old, valid) is metered only on
    /// October 2: +250,000 DC → +2.50.
    /// </summary>
    private static async Task<PeriodCloserSetup> JulyMeteredAfterSeptemberClosedAsync(AzuriteFixture azurite)
    {
        var setup = await PeriodCloserSetup.NewAsync(azurite, July.End.AddDays(1));
        await setup.AddCarrierAsync(July.Start.AddDays(3), 10_000_000_000);                  // July: 100,000 DC → 1.00
        await setup.AddCarrierAsync(August.Start.AddDays(3), 5_000_000_000);                  // August: 0.50
        await setup.AddCarrierAsync(September.Start.AddDays(3), 7_000_000_000);               // September: 0.70
        await setup.AddCarrierAsync(October.Start.AddDays(3), 9_000_000_000);                 // October: 0.90
        await setup.AddCarrierAsync(November.Start.AddDays(3), 4_000_000_000);                // November: 0.40
        foreach (var month in new[] { July, August, September })
        {
            setup.Clock.SetUtcNow(month.End.AddDays(1));
            await setup.Closer.CloseAsync(month, force: false, CancellationToken.None);
        }

        await MeterLateJulySessionAsync(setup);
        return setup;
    }

    /// <summary>On October 2, meters a July session enqueued on August 30 (29 days old, valid): +250,000 DC → +2.50.</summary>
    private static async Task MeterLateJulySessionAsync(PeriodCloserSetup setup)
    {
        setup.Clock.SetUtcNow(October.Start.AddDays(2));
        var metering = setup.Metering();
        var late = SampleEvents.Carrier("backlogged-1", PlatformFixture.NewHotspot(), 25_000_000_000, 0, July.End.AddHours(-1));
        var batch = new MeteringBatch([late.ToJsonString()], [July.End.AddDays(29)], [7], "0");
        var summary = await metering.MeterAsync(MeteringHubs.CarrierOffload, EventTypes.CarrierOffloadV1, batch, CancellationToken.None);
        Assert.Equal((1, 0), (summary.Inserted, summary.Quarantined));
    }

    [Fact]
    public async Task CloseAsync_FactMeteredAfterItsMonthLeftTheWindow_BilledOnceByTheNextClose()
    {
        var setup = await JulyMeteredAfterSeptemberClosedAsync(Azurite);
        var marked = Assert.Single((await setup.Facts.LateUsage.ListAsync(CancellationToken.None)).Items);

        setup.Clock.SetUtcNow(October.End.AddDays(1));
        var october = Assert.Single((await setup.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        var afterOctober = (await setup.Facts.LateUsage.ListAsync(CancellationToken.None)).Items;
        setup.Clock.SetUtcNow(November.End.AddDays(1));
        var november = Assert.Single((await setup.Closer.CloseAsync(November, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");

        Assert.Equal(("carrier-tmo", July, October.Start.AddDays(2)), (marked.Payer, marked.Month, marked.MeteredAt));
        Assert.Empty(afterOctober); // settled: the next close does not re-rate July again
        Assert.Equal(250, Assert.Single(october.Lines, l => l.AdjustedPeriod == July).Amount.MinorUnits);
        Assert.Equal(340, october.Total.MinorUnits);
        Assert.DoesNotContain(november.Lines, l => l.AdjustedPeriod == July);
        Assert.Equal(350, await setup.BilledForAsync("carrier-tmo", July));
    }

    [Fact]
    public async Task CloseAsync_LateFactThenNovemberBeforeOctober_BilledOnce()
    {
        var setup = await JulyMeteredAfterSeptemberClosedAsync(Azurite);

        setup.Clock.SetUtcNow(November.End.AddDays(1));
        var november = Assert.Single((await setup.Closer.CloseAsync(November, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        var october = Assert.Single((await setup.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        setup.Clock.SetUtcNow(November.End.AddMonths(1).AddDays(1));
        var december = await setup.Closer.CloseAsync(November.Next, force: false, CancellationToken.None);

        Assert.Equal(250, Assert.Single(november.Lines, l => l.AdjustedPeriod == July).Amount.MinorUnits);
        Assert.DoesNotContain(october.Lines, l => l.AdjustedPeriod == July);
        Assert.DoesNotContain(december.Invoices.SelectMany(i => i.Lines), l => l.AdjustedPeriod == July);
        Assert.Equal(350, await setup.BilledForAsync("carrier-tmo", July));
        Assert.Equal((90, 40), (await setup.BilledForAsync("carrier-tmo", October), await setup.BilledForAsync("carrier-tmo", November)));
    }

    [Fact]
    public async Task CloseAsync_PayerFailsTheCloseThatWouldSettleTheMark_MarkKeptAndBilledByTheRetry()
    {
        var setup = await JulyMeteredAfterSeptemberClosedAsync(Azurite);
        var planted = new TableEntity(October.ToCompactString(), "INV-carrier-tmo-202610") { ["Payer"] = "carrier-tmo", ["Lines"] = 3 };
        await setup.Tables.Invoices.AddEntityAsync(planted); // an invoice row changed outside the platform: the payer fails this close

        setup.Clock.SetUtcNow(October.End.AddDays(1));
        var failed = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);
        var kept = (await setup.Facts.LateUsage.ListAsync(CancellationToken.None)).Items;
        await setup.Tables.Invoices.DeleteEntityAsync(planted.PartitionKey, planted.RowKey); // repaired
        var retried = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Contains("carrier-tmo", failed.Failed.Keys);
        Assert.Equal(July, Assert.Single(kept).Month); // nothing billed it, so nothing settled it
        Assert.Equal(250, Assert.Single(Assert.Single(retried.Invoices, i => i.Payer == "carrier-tmo").Lines, l => l.AdjustedPeriod == July).Amount.MinorUnits);
        Assert.Empty((await setup.Facts.LateUsage.ListAsync(CancellationToken.None)).Items);
        Assert.Equal(350, await setup.BilledForAsync("carrier-tmo", July));
    }

    [Fact]
    public async Task CloseAsync_MarkedMonthFinallyClosedForThePayer_ItsOwnInvoiceSettlesTheMark()
    {
        var setup = await PeriodCloserSetup.NewAsync(Azurite, July.End.AddDays(1));
        await setup.AddCarrierAsync(July.Start.AddDays(3), 10_000_000_000);                  // July: 1.00
        var planted = new TableEntity(July.ToCompactString(), "INV-carrier-tmo-202607") { ["Payer"] = "carrier-tmo", ["Lines"] = 3 };
        await setup.Tables.Invoices.AddEntityAsync(planted); // an invoice row changed outside the platform: the payer fails July
        foreach (var month in new[] { July, August, September })
        {
            setup.Clock.SetUtcNow(month.End.AddDays(1));
            await setup.Closer.CloseAsync(month, force: false, CancellationToken.None);
        }

        await MeterLateJulySessionAsync(setup);
        Assert.Equal(July, Assert.Single((await setup.Facts.LateUsage.ListAsync(CancellationToken.None)).Items).Month);
        await setup.Tables.Invoices.DeleteEntityAsync(planted.PartitionKey, planted.RowKey); // repaired

        var july = Assert.Single((await setup.Closer.CloseAsync(July, force: true, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        var marksAfter = (await setup.Facts.LateUsage.ListAsync(CancellationToken.None)).Items;
        setup.Clock.SetUtcNow(October.End.AddDays(1));
        var october = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Equal(350, july.Total.MinorUnits); // July's own invoice rated the late session
        Assert.Empty(marksAfter); // before: the mark stayed, reported as pending, until a later close found nothing to bill
        Assert.DoesNotContain(october.Invoices.SelectMany(i => i.Lines), l => l.AdjustedPeriod == July);
        Assert.Equal(350, await setup.BilledForAsync("carrier-tmo", July));
    }

    [Fact]
    public async Task MeterAsync_FactOfAMonthStillInsideTheWindow_MarksNothing()
    {
        var setup = await PeriodCloserSetup.NewAsync(Azurite, September.Start.AddDays(3));
        var metering = setup.Metering();
        var late = SampleEvents.Carrier("late-but-routine", PlatformFixture.NewHotspot(), 25_000_000_000, 0, July.End.AddHours(-1));

        var summary = await metering.MeterAsync(MeteringHubs.CarrierOffload, EventTypes.CarrierOffloadV1, new MeteringBatch([late.ToJsonString()], [July.End.AddDays(29)], [1], "0"), CancellationToken.None);

        Assert.Equal(1, summary.Inserted);
        Assert.Empty((await setup.Facts.LateUsage.ListAsync(CancellationToken.None)).Items); // September's close corrects July routinely
    }

    [Fact]
    public async Task CloseAsync_CloseRecordUnreadableUntilAfterTheWindow_LateUsageBilledOnceItIsRepaired()
    {
        var setup = await PeriodCloserSetup.NewAsync(Azurite, July.End.AddDays(1));
        await setup.AddComputeAsync(July.Start.AddDays(1), "H100", 3_600);                    // someone's July usage, not the carrier's
        await setup.Closer.CloseAsync(July, force: false, CancellationToken.None);
        setup.Clock.SetUtcNow(July.End.AddDays(10));
        await setup.AddCarrierAsync(July.End.AddDays(-1), 30_000_000_000);                     // late July, the carrier's first: 3.00
        await setup.Tables.Invoices.UpdateEntityAsync(new TableEntity("close", July.ToCompactString()) { ["FailedPayers"] = 3 }, ETag.All, TableUpdateMode.Merge);
        foreach (var month in new[] { August, September })
        {
            setup.Clock.SetUtcNow(month.End.AddDays(1));
            Assert.DoesNotContain((await setup.Closer.CloseAsync(month, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        }

        await setup.Tables.Invoices.UpdateEntityAsync(new TableEntity("close", July.ToCompactString()) { ["FailedPayers"] = "{}" }, ETag.All, TableUpdateMode.Merge); // repaired
        setup.Clock.SetUtcNow(October.End.AddDays(1));
        var october = Assert.Single((await setup.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        setup.Clock.SetUtcNow(November.End.AddDays(1));
        var november = await setup.Closer.CloseAsync(November, force: false, CancellationToken.None);

        // Before: July left the window while its record could not be read, and the 3.00 were never billed.
        Assert.Equal((July, 300L), (Assert.Single(october.Lines).AdjustedPeriod, october.Total.MinorUnits));
        Assert.DoesNotContain(november.Invoices, i => i.Payer == "carrier-tmo");
        Assert.Equal(300, await setup.BilledForAsync("carrier-tmo", July));
    }

    [Fact]
    public async Task CloseAsync_CloseRecordDeletedAfterLateUsageWasAdjusted_MonthClosedAgainBillsItOnce()
    {
        var setup = await PeriodCloserSetup.NewAsync(Azurite, July.End.AddDays(1));
        await setup.AddComputeAsync(July.Start.AddDays(1), "H100", 3_600);                    // someone's July usage, not the carrier's
        await setup.Closer.CloseAsync(July, force: false, CancellationToken.None);           // carrier-tmo: nothing, no invoice
        setup.Clock.SetUtcNow(July.End.AddDays(10));
        await setup.AddCarrierAsync(July.End.AddDays(-1), 30_000_000_000);                     // late July: 3.00
        setup.Clock.SetUtcNow(August.End.AddDays(1));
        var august = Assert.Single((await setup.Closer.CloseAsync(August, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        await setup.Tables.Invoices.DeleteEntityAsync("close", July.ToCompactString());      // what the README advised for an unreadable record

        var july = await setup.Closer.CloseAsync(July, force: false, CancellationToken.None);
        setup.Clock.SetUtcNow(September.End.AddDays(1));
        var september = await setup.Closer.CloseAsync(September, force: false, CancellationToken.None);

        // Before: July's own invoice rated the 3.00 again, which August's adjustment had billed: 6.00 for July.
        Assert.Equal(300, Assert.Single(august.Lines, l => l.AdjustedPeriod == July).Amount.MinorUnits);
        var own = Assert.Single(july.Invoices, i => i.Payer == "carrier-tmo");
        Assert.Equal((300L, -300L, 0L), (own.PeriodCharges.MinorUnits, Assert.Single(own.Lines, l => l.AdjustedPeriod == July).Amount.MinorUnits, own.Total.MinorUnits));
        Assert.Empty(july.Failed);
        Assert.DoesNotContain(september.Invoices, i => i.Payer == "carrier-tmo");        // nothing left to correct for July
        Assert.Equal(300, await setup.BilledForAsync("carrier-tmo", July));
    }
}
