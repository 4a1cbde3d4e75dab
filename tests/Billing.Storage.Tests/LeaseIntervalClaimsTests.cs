using static Billing.Tests.Shared.SampleFacts;

namespace Billing.Storage.Tests;

/// <summary>
/// A lease's day row of claimed intervals is bounded (<see cref="LeaseDayRow.MaxIntervals"/>): past its cap, events are
/// metered without the overlap check rather than stalled or refused, reported once, and still counted once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class LeaseIntervalClaimsTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A compute fact of lease <c>lease-1</c> from provider-nodeops over <c>[end − seconds, end)</c>, as the validator reads it.</summary>
    private static PendingFact Interval(string id, DateTimeOffset end, int seconds = 60)
    {
        var p = Compute(id, "tenant-lab", gpuSeconds: seconds, time: end);
        return p with { Fact = p.Fact with { ClaimsId = true, IntervalStart = end.AddSeconds(-seconds) } };
    }

    [Fact]
    public async Task AppendAsync_DayRowAtItsCap_LaterEventsMeteredOnceAndReportedOnce()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new FactStore(tables);
        // The day's first 1,440 minutes claimed, as a provider reporting every minute leaves it.
        var full = LeaseDayRow.Empty(DateOnly.FromDateTime(Day.UtcDateTime));
        for (int m = 0; m < LeaseDayRow.MaxIntervals; m++)
        {
            full.Add(new LeaseInterval(Day.AddMinutes(m).UtcTicks, Day.AddMinutes(m).AddSeconds(30).UtcTicks, LeaseDayRow.Key($"minute-{m}")));
        }

        await tables.Facts.SubmitTransactionAsync([full.Action(LeaseIntervalClaims.PartitionKey("provider-nodeops", "lease-1", "H100"))], Ct);
        var late = Interval("late", Day.AddSeconds(80), seconds: 20); // [00:01:00, 00:01:20): overlaps minute-1
        var gap = Interval("gap", Day.AddSeconds(60), seconds: 20); // [00:00:40, 00:01:00): between minute-0 and minute-1

        var first = await store.AppendAsync([gap], Ct);
        var redelivered = await store.AppendAsync([gap], Ct);
        var overlapping = await store.AppendAsync([late, Interval("gap-again", Day.AddSeconds(58), seconds: 10)], Ct);

        Assert.Equal((1, 0), (first.Inserted, first.Overlaps.Count)); // not stalled, not refused
        Assert.Contains($"holds {LeaseDayRow.MaxIntervals} intervals", Assert.Single(first.LeaseDayNotices).Reason, StringComparison.Ordinal);
        Assert.Equal((0, 1, 0), (redelivered.Inserted, redelivered.Duplicates, redelivered.Overlaps.Count)); // counted once
        Assert.Empty(redelivered.LeaseDayNotices); // reported once
        Assert.Equal("late", Assert.Single(overlapping.Overlaps).Fact.Fact.Id); // what the row holds is still checked against
        Assert.Equal(1, overlapping.Inserted); // gap-again overlaps gap, which the full row could not record: the documented limit
        var row = await tables.Facts.GetEntityAsync<TableEntity>(LeaseIntervalClaims.PartitionKey("provider-nodeops", "lease-1", "H100"), LeaseDayRow.RowKey(full.Day), cancellationToken: Ct);
        Assert.Equal((LeaseDayRow.MaxIntervals, true), (row.Value.GetInt32("Count"), row.Value.GetBoolean("CapReached")));
    }
}
