using Billing.Application.Metering;

namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// A quarantined event replayed after its month was closed: metered like any late event, so the next close bills it as
/// that month's adjustment, once, and the closed month's invoice never changes.
/// </summary>
public class PeriodCloserReplayedFactTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
    private static QuarantineReplayer Replayer(PeriodCloserSetup setup, QuarantineStore quarantine) => setup.Replayer(setup.Metering(quarantine: quarantine));

    /// <summary>Sets <paramref name="usage"/> aside as metering records an event storage refused; returns its quarantine id.</summary>
    private static async Task<string> SetAsideAsync(QuarantineStore quarantine, JsonObject usage, DateTimeOffset at)
    {
        string eventId = usage["id"]!.GetValue<string>();
        await quarantine.AddAsync([new QuarantinedEvent(QuarantineKind.Unstorable, usage.ToJsonString(), ["$: storage refused the row: 400 InvalidInput"],
            "carrier-tmo", eventId, MeteringHubs.CarrierOffload, "0", 3, at, at)], CancellationToken.None);
        return Assert.Single((await quarantine.PageAsync(new QuarantineFilter("carrier-tmo", null, null, null), null, 10, CancellationToken.None)).Entries, e => e.EventId == eventId).Id;
    }

    [Fact]
    public async Task ReplayAsync_EventOfAClosedMonth_BilledOnceAsTheNextCloseAdjustment()
    {
        var setup = await NewAsync(September.End.AddDays(1));
        var quarantine = new QuarantineStore(setup.Tables);
        var replayer = Replayer(setup, quarantine);
        await setup.AddCarrierAsync(September.Start.AddDays(5), 10_000_000_000);                // 100,000 DC → 1.00
        // A September session a storage fault once refused: +250,000 DC → +2.50 once replayed.
        var late = SampleEvents.Carrier("replayed-1", PlatformFixture.NewHotspot(), 25_000_000_000, 0, September.End.AddHours(-1));
        string id = await SetAsideAsync(quarantine, late, September.End.AddHours(-1));
        var september = Assert.Single((await setup.Closer.CloseAsync(September, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");

        setup.Clock.SetUtcNow(September.End.AddDays(3));
        var replayed = await replayer.ReplayAsync(id, "finance", CancellationToken.None);
        var again = await replayer.ReplayAsync(id, "finance", CancellationToken.None);
        await setup.AddCarrierAsync(October.Start.AddDays(2), 5_000_000_000);                   // October: 50,000 DC → 0.50
        setup.Clock.SetUtcNow(October.End.AddDays(1));
        var october = Assert.Single((await setup.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        var afterClose = await replayer.ReplayAsync(id, "finance", CancellationToken.None);
        setup.Clock.SetUtcNow(November.End.AddDays(1));
        var november = await setup.Closer.CloseAsync(November, force: false, CancellationToken.None);

        Assert.Equal(100, september.Total.MinorUnits);
        Assert.Equal((ReplayOutcome.Metered, ReplayOutcome.Duplicate, ReplayOutcome.Duplicate), (replayed!.Outcome, again!.Outcome, afterClose!.Outcome));
        Assert.Equal(250, Assert.Single(october.Lines, l => l.AdjustedPeriod == September).Amount.MinorUnits);
        Assert.Equal(300, october.Total.MinorUnits);
        Assert.DoesNotContain(november.Invoices.SelectMany(i => i.Lines), l => l.AdjustedPeriod == September);
        Assert.Equal(350, await setup.BilledForAsync("carrier-tmo", September));
        Assert.Equal(100, (await setup.Invoices.GetAsync(september.Id, CancellationToken.None))!.Total.MinorUnits); // the closed month stays as invoiced
    }

    [Fact]
    public async Task ReplayAsync_EventAcceptedInTimeReplayedAfterItsMonthLeftTheWindow_BilledOnceByTheNextClose()
    {
        // Accepted and enqueued in time, set aside by a storage fault, replayed 63 days later, after the closes that correct
        // September routinely: the age is the enqueue time's, as for metering, and the next close bills it.
        var setup = await NewAsync(September.End.AddDays(1));
        var quarantine = new QuarantineStore(setup.Tables);
        await setup.AddCarrierAsync(September.Start.AddDays(5), 10_000_000_000);                // 100,000 DC → 1.00
        var old = SampleEvents.Carrier("replayed-late", PlatformFixture.NewHotspot(), 25_000_000_000, 0, September.End.AddHours(-1));
        string id = await SetAsideAsync(quarantine, old, September.End);
        foreach (var month in new[] { September, October, November })
        {
            setup.Clock.SetUtcNow(month.End.AddDays(1));
            await setup.Closer.CloseAsync(month, force: false, CancellationToken.None);
        }

        var result = await Replayer(setup, quarantine).ReplayAsync(id, "finance", CancellationToken.None);
        var december = November.Next;
        setup.Clock.SetUtcNow(december.End.AddDays(1));
        var closed = await setup.Closer.CloseAsync(december, force: false, CancellationToken.None);
        setup.Clock.SetUtcNow(december.Next.End.AddDays(1));
        var january = await setup.Closer.CloseAsync(december.Next, force: false, CancellationToken.None);

        Assert.Equal(ReplayOutcome.Metered, result!.Outcome); // before: invalid (time), and the 2.50 were never billed
        Assert.Equal(250, Assert.Single(Assert.Single(closed.Invoices, i => i.Payer == "carrier-tmo").Lines, l => l.AdjustedPeriod == September).Amount.MinorUnits);
        Assert.DoesNotContain(january.Invoices.SelectMany(i => i.Lines), l => l.AdjustedPeriod == September);
        Assert.Equal(350, await setup.BilledForAsync("carrier-tmo", September));
    }

    [Fact]
    public async Task ReplayAsync_EventAlreadyTooOldWhenEnqueued_StillInvalidAndNotBilled()
    {
        var setup = await NewAsync(September.End.AddDays(1));
        var quarantine = new QuarantineStore(setup.Tables);
        var old = SampleEvents.Carrier("replayed-old", PlatformFixture.NewHotspot(), 25_000_000_000, 0, September.Start.AddDays(2));
        string id = await SetAsideAsync(quarantine, old, September.Start.AddDays(2) + EventLimits.MaxAge + EventLimits.MaxEnqueueDelay + TimeSpan.FromSeconds(1));
        setup.Clock.SetUtcNow(November.Start.AddDays(1));

        var result = await Replayer(setup, quarantine).ReplayAsync(id, "finance", CancellationToken.None);

        Assert.Equal(ReplayOutcome.Invalid, result!.Outcome);
        Assert.Contains(result.Reasons, r => r.Field == "time");
        Assert.Equal(0, await setup.BilledForAsync("carrier-tmo", September));
    }
}
