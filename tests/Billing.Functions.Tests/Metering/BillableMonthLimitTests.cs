using Billing.Application.Metering;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// Declared values are each within their ranges, yet a month of them can sum to an amount no invoice line (minor units
/// in a long) can hold: metering must refuse the event that would take the payer's month past what one invoice can
/// bill, so the month always prices and the close never fails for that payer (docs/contract.md §9).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class BillableMonthLimitTests(AzuriteFixture azurite)
{
    private static BillingPeriod October => DeclaredMeteringWorld.October;

    private Task<DeclaredMeteringWorld> NewAsync(int shards) =>
        DeclaredMeteringWorld.NewAsync(azurite, shards, DeclaredMeteringWorld.HugeUnits, DeclaredMeteringWorld.HugeUnitsPlan,
            new Partner("provider-x", PartnerRole.Provider, null), new Partner("tenant-x", PartnerRole.Tenant, "huge-v1") { Providers = ["provider-x"] });

    private static string Event(string id, long units, DateTimeOffset time) =>
        DeclaredMeteringWorld.Event("test.huge.v1", "provider-x", id, time, new JsonObject { ["customerId"] = "tenant-x", ["units"] = units });

    private static Task<MeteringSummary> MeterAsync(DeclaredMeteringWorld world, params string[] events) => world.MeterAsync(events);

    [Fact]
    public async Task MeterAsync_EventWhosePriceNoInvoiceCanHold_QuarantinedAndTheMonthStillCloses()
    {
        var world = await NewAsync(shards: 8);
        var at = October.Start.AddDays(2);

        // 10^13 units (10^15 minor units) fit; 10^18 units are 10^20 minor units, beyond any invoice line.
        var summary = await MeterAsync(world, Event("fits", 10_000_000_000, at), Event("too-much", 1_000_000_000_000_000, at.AddHours(1)));
        world.Clock.SetUtcNow(October.End.AddDays(1));
        var closed = await world.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Empty(closed.Failed); // before: tenant-x failed with "Arithmetic operation resulted in an overflow" on every close
        Assert.Equal(1_000_000_000_000_000, Assert.Single(closed.Invoices).Total.MinorUnits);
        Assert.Equal((1, 1), (summary.Inserted, summary.Quarantined));
        var set = Assert.Single((await world.Quarantine.PageAsync(new QuarantineFilter("provider-x", null, null, null), null, 10, CancellationToken.None)).Entries);
        Assert.Equal(("too-much", QuarantineKind.Invalid), (set.EventId, set.Kind));
        Assert.Contains("test.units", Assert.Single(set.Reasons), StringComparison.Ordinal);
        Assert.Contains("2026-10", set.Reasons[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task MeterAsync_EventsThatFitAloneButCrossTheMonthTogether_OnlyTheCrossingOneRefused()
    {
        // One shard, so the whole bound is the payer's: 90,071,992,547,408 units.
        var world = await NewAsync(shards: 1);
        var at = October.Start.AddDays(2);
        const long units = 30_000_000_000; // × 1000 = 3 × 10^13 units a event: three fit, the fourth crosses

        var first = await MeterAsync(world, Event("a", units, at), Event("b", units, at.AddMinutes(1)), Event("c", units, at.AddMinutes(2)));
        var second = await MeterAsync(world, Event("d", units, at.AddMinutes(3)), Event("e", 1_000, at.AddMinutes(4)));
        var redelivered = await MeterAsync(world, Event("a", units, at));
        world.Clock.SetUtcNow(October.End.AddDays(1));
        var closed = await world.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Equal((3, 0), (first.Inserted, first.Quarantined));
        Assert.Equal((1, 1), (second.Inserted, second.Quarantined)); // e (10^6 units) still fits after d is refused
        Assert.Equal((0, 1, 0), (redelivered.Inserted, redelivered.Duplicates, redelivered.Quarantined)); // a stored event over the limit is a duplicate
        Assert.Equal("d", Assert.Single((await world.Quarantine.PageAsync(new QuarantineFilter("provider-x", null, null, null), null, 10, CancellationToken.None)).Entries).EventId);
        Assert.Empty(closed.Failed);
        Assert.Equal((90_000_000_000_000 + 1_000_000) * 100, Assert.Single(closed.Invoices).Total.MinorUnits);
    }

    [Fact]
    public async Task MeterAsync_EventOverTheMonthLimit_SetAsideWithItsHubPositionAndCountedWhenReplayedAfter35DaysUnderARepricedPlan()
    {
        var world = await NewAsync(shards: 1);
        var enqueued = world.Clock.GetUtcNow();

        // 10^11 × 1000 = 10^14 units: more than a month bills at 1.00 a unit (9 × 10^13), far less than at 0.01.
        var summary = await MeterAsync(world, Event("too-much", 100_000_000_000, October.Start.AddDays(9)));
        var entry = Assert.Single((await world.Quarantine.PageAsync(new QuarantineFilter("provider-x", null, null, null), null, 10, CancellationToken.None)).Entries);
        world.Clock.Advance(TimeSpan.FromDays(40)); // the plan repriced, the event replayed 41 days after its time
        var repriced = world.MeteringUnder(DeclaredMeteringWorld.HugeUnitsPlan.Replace("\"1.00\"", "\"0.01\"", StringComparison.Ordinal));
        var replayer = new QuarantineReplayer(repriced, world.Quarantine, world.Clock, NullLogger<QuarantineReplayer>.Instance);
        var replayed = await replayer.ReplayAsync(entry.Id, "finance", CancellationToken.None);

        Assert.Equal((1, QuarantineKind.Invalid), (summary.Quarantined, entry.Kind));
        Assert.Equal(("0", 0L, enqueued), (entry.PartitionId, entry.SequenceNumber, entry.EnqueuedTime)); // before: no sequence number, no enqueue time
        Assert.Equal(ReplayOutcome.Metered, replayed!.Outcome); // before: invalid, "time: is more than 35 days in the past"
    }

    [Fact]
    public async Task MeterAsync_OtherEventUnderTheIdOfOneRefusedOverTheLimit_ConflictDoesNotSayTheFirstWasMetered()
    {
        var world = await NewAsync(shards: 1);
        var at = October.Start.AddDays(2);

        await MeterAsync(world, Event("x", 100_000_000_000, at)); // refused over the month's limit: its id stays taken
        var second = await MeterAsync(world, Event("x", 1_000, at.AddMinutes(1)));
        var entries = (await world.Quarantine.PageAsync(new QuarantineFilter("provider-x", null, null, null), null, 10, CancellationToken.None)).Entries;

        Assert.Equal((0, 1), (second.Inserted, second.Quarantined));
        var conflict = Assert.Single(entries, e => e.Kind == QuarantineKind.Conflict);
        string reason = Assert.Single(conflict.Reasons);
        Assert.DoesNotContain("already metered", reason, StringComparison.Ordinal); // before: it said so, of an event never metered
        Assert.Contains("the first version counts, metered or set aside in quarantine", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MeterAsync_OverTheLimitEventPostedForAnotherPayer_ReasonNamesNoLimitOfThePayersPlan()
    {
        var world = await NewAsync(shards: 1);

        await MeterAsync(world, Event("too-much", 100_000_000_000, October.Start.AddDays(2)));

        var set = Assert.Single((await world.Quarantine.PageAsync(new QuarantineFilter("provider-x", null, null, null), null, 10, CancellationToken.None)).Entries);
        string reason = Assert.Single(set.Reasons);
        Assert.StartsWith("test.units: the event would take tenant-x's usage of 2026-10 past", reason, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d{5,}", reason); // before: "past 90071992547408, the most one month can bill under its plan", the payer's plan told to its provider
    }
}
