using static Billing.Tests.Shared.SampleFacts;

namespace Billing.Storage.Tests;

/// <summary>
/// A lease's day of claimed intervals spills into further rows when one is full (<see cref="ClaimRow.MaxIntervals"/>),
/// so every event is claimed whatever the day holds; only past the day's hard bound are events metered without the
/// overlap check, reported once, and still counted once.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class IntervalClaimsTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly string Partition = LeaseUsageKey.PartitionKey("provider-nodeops", "lease-1", "H100");
    private static readonly DateOnly Today = DateOnly.FromDateTime(Day.UtcDateTime);

    /// <summary>A compute fact of lease <c>lease-1</c> from provider-nodeops over <c>[end − seconds, end)</c>, as the validator reads it.</summary>
    private static PendingFact Interval(string id, DateTimeOffset end, int seconds = 60)
    {
        var p = Compute(id, "tenant-lab", gpuSeconds: seconds, time: end);
        return p with { Fact = p.Fact with { ClaimsId = true, IntervalStart = end.AddSeconds(-seconds) } };
    }

    /// <summary>
    /// Fills <paramref name="row"/> with intervals of 100 ms every 250 ms from the day's start, after the
    /// <paramref name="before"/> intervals earlier rows hold (a hundred full rows end before 10:00).
    /// </summary>
    private static ClaimRow Full(ClaimRow row, int before)
    {
        for (int m = before; m < before + ClaimRow.MaxIntervals; m++)
        {
            var start = Day.AddMilliseconds(250L * m);
            row.Add(new ClaimedInterval(start.UtcTicks, start.AddMilliseconds(100).UtcTicks, ClaimRow.Key($"m{m}")));
        }

        return row;
    }

    private async Task<TableEntity> RowAsync(BillingTables tables, string rowKey) =>
        (await tables.Facts.GetEntityAsync<TableEntity>(Partition, rowKey, cancellationToken: Ct)).Value;

    [Fact]
    public async Task AppendAsync_DayRowAtItsCap_LaterEventsClaimedInTheDaysNextRowAndTheirOverlapsSetAside()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new FactStore(tables);
        await tables.Facts.SubmitTransactionAsync([Full(ClaimRow.Empty(ClaimRow.DayKey(Today)), 0).Action(Partition)], Ct);
        var gap = Interval("gap", Day.AddHours(1)); // [00:59, 01:00): free
        var late = Interval("late", Day.AddSeconds(10), seconds: 1); // [00:00:09, 00:00:10): overlaps what the full row holds

        var first = await store.AppendAsync([gap], Ct);
        var redelivered = await store.AppendAsync([gap], Ct);
        // Over two days (yesterday's hour first): the one range read covers the later day's further rows too.
        var overlapping = await store.AppendAsync([Interval("yesterday", Day.AddHours(-1)), late, Interval("gap-again", Day.AddHours(1).AddSeconds(-30), seconds: 10)], Ct);

        Assert.Equal((1, 0), (first.Inserted, first.Overlaps.Count));
        Assert.Empty(first.ClaimNotices); // before: metered without a claim, "its day row holds 1440 intervals"
        Assert.Equal((0, 1, 0), (redelivered.Inserted, redelivered.Duplicates, redelivered.Overlaps.Count)); // counted once
        Assert.Equal(["gap-again", "late"], overlapping.Overlaps.Select(o => o.Fact.Fact.Id).Order()); // before: gap-again metered, its half minute billed twice
        Assert.Equal(1, overlapping.Inserted); // yesterday
        Assert.Empty(overlapping.ClaimNotices);
        var full = await RowAsync(tables, ClaimRow.RowKey(ClaimRow.DayKey(Today)));
        var next = await RowAsync(tables, ClaimRow.RowKey(ClaimRow.DayKey(Today)) + "|01");
        Assert.Equal((ClaimRow.MaxIntervals, false), (full.GetInt32("Count"), full.GetBoolean("Cap")));
        Assert.Equal(1, next.GetInt32("Count"));
        Assert.EndsWith("|gap\n", next.GetString("I0"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendAsync_EveryRowOfTheDayFull_MeteredWithoutAClaimReportedOnceAndCountedOnce()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new FactStore(tables);
        for (int part = 0; part < ClaimRow.MaxRowsPerDay; part++)
        {
            await tables.Facts.SubmitTransactionAsync([Full(ClaimRow.Empty(ClaimRow.DayKey(Today), part), part * ClaimRow.MaxIntervals).Action(Partition)], Ct);
        }

        var over = Interval("over", Day.AddHours(12)); // [11:59, 12:00): after what the full rows hold

        var first = await store.AppendAsync([over], Ct);
        var redelivered = await store.AppendAsync([over], Ct);
        var overlapping = await store.AppendAsync([Interval("late", Day.AddHours(9), seconds: 1), Interval("over-again", Day.AddHours(12).AddSeconds(-30), seconds: 10)], Ct);

        Assert.Equal((1, 0), (first.Inserted, first.Overlaps.Count)); // not stalled, not refused
        Assert.Contains($"in {ClaimRow.MaxRowsPerDay} rows", Assert.Single(first.ClaimNotices).Reason, StringComparison.Ordinal);
        Assert.Equal((0, 1, 0), (redelivered.Inserted, redelivered.Duplicates, redelivered.Overlaps.Count)); // counted once
        Assert.Empty(redelivered.ClaimNotices); // reported once
        Assert.Equal("late", Assert.Single(overlapping.Overlaps).Fact.Fact.Id); // every row is still checked against, the last ones too
        Assert.Equal(1, overlapping.Inserted); // over-again overlaps over, which the full day could not record: the documented bound
        var last = await RowAsync(tables, ClaimRow.RowKey(ClaimRow.DayKey(Today), ClaimRow.MaxRowsPerDay - 1));
        Assert.Equal((ClaimRow.MaxIntervals, true), (last.GetInt32("Count"), last.GetBoolean("Cap")));
    }

    [Theory]
    [InlineData("I0", "not an interval")] // a line that is no interval
    [InlineData("I0", 7)] // its text a number: read as nothing, it looked like an empty row that could be written over
    [InlineData("Count", 3)] // lines that read, but not as many as the platform wrote
    [InlineData("Hi", 0L)] // a span that is not its lines': a read filtered by it would leave the row out, its windows unchecked
    [InlineData("Room", false)] // left out of the first read, then read after the conflict: its lines say it has room
    [InlineData("Room", null)] // removed (with the span, a full row would be left out of every filtered read): rows of today keep it
    public async Task AppendAsync_DayRowThisPlatformDidNotWrite_EventSetAsideAsUnstorableNamingTheRowAndARedeliveryStillADuplicate(string property, object? planted)
    {
        var tables = await azurite.NewTablesAsync();
        var store = new FactStore(tables);
        var stored = Interval("stored", Day.AddHours(1));
        await store.AppendAsync([stored], Ct);
        var row = await RowAsync(tables, ClaimRow.DayKey(Today));
        if (planted is null)
        {
            row.Remove(property);
        }
        else
        {
            row[property] = planted;
        }

        await tables.Facts.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace, Ct);

        var later = await store.AppendAsync([Interval("later", Day.AddHours(3)), Interval("later-again", Day.AddHours(3).AddSeconds(-30), seconds: 10)], Ct);
        var redelivered = await store.AppendAsync([stored], Ct);

        Assert.Equal(0, later.Inserted); // before: both metered without a claim, the half minute billed twice
        Assert.Equal(["later", "later-again"], later.Unstorable.Select(u => u.Fact.Fact.Id).Order());
        Assert.All(later.Unstorable, u => Assert.Contains($"'{ClaimRow.DayKey(Today)}'", u.Reason, StringComparison.Ordinal));
        Assert.Empty(later.ClaimNotices);
        Assert.Equal((0, 1, 0), (redelivered.Inserted, redelivered.Duplicates, redelivered.Unstorable.Count));
        Assert.Equal(planted, (await RowAsync(tables, ClaimRow.DayKey(Today))).TryGetValue(property, out object? now) ? now : null); // never written over
    }

    [Fact]
    public async Task AppendAsync_LeaseWithManyFullRowsThatDay_ReadsTheRowsItsIntervalsCanTouchAndStillFindsOverlapsAndRedeliveries()
    {
        var tables = await azurite.NewTablesAsync();
        const int Rows = 20; // full, 00:00 to 02:00
        for (int part = 0; part < Rows; part++)
        {
            await tables.Facts.SubmitTransactionAsync([Full(ClaimRow.Empty(ClaimRow.DayKey(Today), part), part * ClaimRow.MaxIntervals).Action(Partition)], Ct);
        }

        var (counted, reads) = ResponseBytes.Create(azurite.ConnectionString, tables);
        var store = new FactStore(counted);
        await store.AppendAsync([Interval("noon", Day.AddHours(12))], Ct); // the day's next row: [11:59, 12:00)
        long fullRow = (await RowAsync(tables, ClaimRow.DayKey(Today))).Where(p => p.Key.StartsWith('I')).Sum(p => ((string)p.Value).Length);

        long before = reads.Bytes;
        var next = await store.AppendAsync([Interval("one", Day.AddHours(13))], Ct);
        long read = reads.Bytes - before;
        var checkedToo = await store.AppendAsync([Interval("noon", Day.AddHours(12)), Interval("early", Day.AddSeconds(10), seconds: 1), Interval("one-again", Day.AddHours(13).AddSeconds(-30), seconds: 10)], Ct);

        Assert.Equal(1, next.Inserted);
        Assert.InRange(read, 0, fullRow); // before: every full row of the day, twenty times that
        Assert.Equal((0, 1), (checkedToo.Inserted, checkedToo.Duplicates)); // noon: a redelivery
        Assert.Equal(["early", "one-again"], checkedToo.Overlaps.Select(o => o.Fact.Fact.Id).Order()); // the row of 00:00 read for early
    }

    [Fact]
    public async Task AppendAsync_DayRowWrittenBeforeItKeptItsSpan_StillReadAndCheckedAgainst()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new FactStore(tables);
        var old = new ClaimedInterval(Day.AddMinutes(59).UtcTicks, Day.AddHours(1).UtcTicks, ClaimRow.Key("old"));
        // As rows were written before 2026-12-06 (and still are by an instance of that version during a rolling deployment): a
        // count, the lines, the cap flag under its old name; no span, no room.
        await tables.Facts.AddEntityAsync(new TableEntity(Partition, ClaimRow.DayKey(Today)) { ["Count"] = 1, ["CapReached"] = false, ["I0"] = old.Line }, Ct);

        var overlapping = await store.AppendAsync([Interval("new", Day.AddHours(1).AddSeconds(-30), seconds: 10), Interval("after", Day.AddHours(2))], Ct);

        Assert.Equal("new", Assert.Single(overlapping.Overlaps).Fact.Fact.Id);
        Assert.Equal(1, overlapping.Inserted);
        var row = await RowAsync(tables, ClaimRow.DayKey(Today));
        Assert.Equal((2, false, true), (row.GetInt32("Count"), row.ContainsKey("CapReached"), row.GetBoolean("Room") is true)); // rewritten as rows are now
    }

    [Fact]
    public async Task AppendAsync_SessionWindowKeptUnderTheBareIdByAnEarlierVersion_ItsEventIsItsOwnAndAnotherIdOverlaps()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new FactStore(tables);
        // As rows were written before windows were kept under the id and version: the try that claimed it failed before its fact.
        await tables.Facts.AddEntityAsync(new TableEntity(SessionUsageKey.PartitionKey("carrier-tmo"), SessionUsageKey.Slot("sess-9"))
        {
            ["I0"] = $"{Day.UtcTicks}|{Day.AddHours(1).UtcTicks}|a\n", ["Count"] = 1, ["Cap"] = false,
        }, Ct);

        var redelivered = await store.AppendAsync([SessionFact("a")], Ct);
        var other = await store.AppendAsync([SessionFact("b")], Ct);

        Assert.Equal((1, 0), (redelivered.Inserted, redelivered.Overlaps.Count)); // its own window, not another event's
        Assert.Equal((0, "b"), (other.Inserted, Assert.Single(other.Overlaps).Fact.Fact.Id));
    }

    [Fact]
    public async Task AppendAsync_CarrierSession_ItsRowKeepsNoSpanAndAResendIsStillAnOverlap()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new FactStore(tables);
        var first = await store.AppendAsync([SessionFact("a")], Ct);
        var resent = await store.AppendAsync([SessionFact("b")], Ct);

        var row = (await tables.Facts.GetEntityAsync<TableEntity>(SessionUsageKey.PartitionKey("carrier-tmo"), SessionUsageKey.Slot("sess-9"), cancellationToken: Ct)).Value;
        Assert.Equal((1, 0), (first.Inserted, resent.Inserted));
        Assert.Equal("b", Assert.Single(resent.Overlaps).Fact.Fact.Id);
        Assert.Equal((1, false), (row.GetInt32("Count"), row.GetBoolean("Cap")));
        Assert.DoesNotContain(row.Keys, k => k is "Room" or "Lo" or "Hi"); // before: written on every session row, read by none
    }

    /// <summary>Carrier session <c>sess-9</c>'s first hour of <see cref="Day"/>, under <paramref name="id"/>.</summary>
    private static PendingFact SessionFact(string id)
    {
        var p = Carrier(id, 1_000, time: Day.AddHours(1));
        return p with { Fact = p.Fact with { Session = "sess-9", IntervalStart = Day, IntervalEnd = Day.AddHours(1) } };
    }
}
