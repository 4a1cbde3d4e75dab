namespace Billing.Domain.Tests.Metering;

public class UsageRollupTests
{
    private static UsageFact Carrier(string time, string hotspot, string rat, long bytes) => new()
    {
        Source = "carrier-tmo", Id = Guid.NewGuid().ToString(), Payer = "carrier-tmo", Type = Billing.Domain.Events.EventTypes.CarrierOffloadV1,
        Time = DateTimeOffset.Parse(time, System.Globalization.CultureInfo.InvariantCulture), ContentHash = "h", Hotspot = hotspot, Rat = rat, Bytes = bytes,
    };

    [Fact]
    public void Rows_HourWindowsGroupedByHotspot_SumPerBucket()
    {
        var rollup = new UsageRollup(Meters.OffloadBytesMeter, UsageWindow.Hour, [Meters.Hotspot]);
        rollup.Add(Carrier("2026-10-20T10:00:00Z", "A", "wlan", 5));
        rollup.Add(Carrier("2026-10-20T10:59:59.9999999Z", "A", "nr", 7));
        rollup.Add(Carrier("2026-10-20T11:00:00Z", "A", "wlan", 1));
        rollup.Add(Carrier("2026-10-20T10:30:00Z", "B", "wlan", 2));

        var rows = rollup.Rows();

        Assert.Equal(3, rows.Count);
        Assert.Equal((new DateTimeOffset(2026, 10, 20, 10, 0, 0, TimeSpan.Zero), "A", (Int128)12), (rows[0].WindowStart, rows[0].Group["hotspot"], rows[0].Quantity));
        Assert.Equal(("B", (Int128)2), (rows[1].Group["hotspot"], rows[1].Quantity));
        Assert.Equal((new DateTimeOffset(2026, 10, 20, 11, 0, 0, TimeSpan.Zero), (Int128)1), (rows[2].WindowStart, rows[2].Quantity));
    }

    [Fact]
    public void Rows_SessionsMonthWindowNoGroup_CountsFacts()
    {
        var rollup = new UsageRollup(Meters.OffloadSessionsMeter, UsageWindow.Month, []);
        rollup.Add(Carrier("2026-10-01T00:00:00Z", "A", "wlan", 5));
        rollup.Add(Carrier("2026-10-31T23:59:59Z", "B", "nr", 5));
        rollup.Add(Carrier("2026-11-01T00:00:00Z", "B", "nr", 5));

        var rows = rollup.Rows();

        Assert.Equal([(Int128)2, (Int128)1], rows.Select(r => r.Quantity));
        Assert.Empty(rows[0].Group);
    }

    [Fact]
    public void Constructor_UnknownDimension_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new UsageRollup(Meters.OffloadBytesMeter, UsageWindow.Day, ["gpuModel"]));
        Assert.Contains("gpuModel", ex.Message);
    }

    [Fact]
    public void Constructor_DimensionTwice_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new UsageRollup(Meters.OffloadBytesMeter, UsageWindow.Day, ["hotspot", "hotspot"]));
        Assert.Contains("twice", ex.Message);
    }

    [Fact]
    public void Add_SumBeyondLong_ExactIn128Bits()
    {
        var rollup = new UsageRollup(Meters.OffloadBytesMeter, UsageWindow.Month, []);
        for (int i = 0; i < 3; i++)
        {
            rollup.Add(Carrier("2026-10-01T00:00:00Z", "A", "wlan", long.MaxValue));
        }

        Assert.Equal((Int128)long.MaxValue * 3, Assert.Single(rollup.Rows()).Quantity);
    }

    [Fact]
    public void Add_FactOfOtherMeter_IsIgnored()
    {
        var rollup = new UsageRollup(Meters.ComputeGpuSecondsMeter, UsageWindow.Day, []);
        rollup.Add(Carrier("2026-10-01T00:00:00Z", "A", "wlan", 5));

        Assert.Empty(rollup.Rows());
    }

    [Fact]
    public void Add_MoreGroupsThanTheRowBudget_RefusedAtTheFirstRowTooManyNotAtTheEnd()
    {
        var rollup = new UsageRollup(Meters.OffloadBytesMeter, UsageWindow.Hour, [Meters.Hotspot], new UsageRowBudget(3));
        rollup.Add(Carrier("2026-10-20T10:00:00Z", "A", "wlan", 5));
        rollup.Add(Carrier("2026-10-20T10:10:00Z", "A", "nr", 1)); // the same row again: counted once
        rollup.Add(Carrier("2026-10-20T10:20:00Z", "B", "wlan", 1));
        rollup.Add(Carrier("2026-10-20T11:00:00Z", "A", "wlan", 1));

        var ex = Assert.Throws<UsageQueryTooLargeException>(() => rollup.Add(Carrier("2026-10-20T12:00:00Z", "C", "wlan", 1)));

        Assert.Equal("to", ex.Field);
        Assert.Contains("3 rows", ex.Reason, StringComparison.Ordinal);
        Assert.Equal(3, rollup.Rows().Count);
    }

    [Fact]
    public void Add_FromSeveralThreadsAtOnce_TheSameRowsAsOneByOne()
    {
        // A usage query's shards add to one rollup as they read: the answer is the one a single reader makes.
        var facts = Enumerable.Range(0, 20_000)
            .Select(i => Carrier($"2026-10-{1 + (i % 28):D2}T{i % 24:D2}:00:00Z", "hs-" + (i % 37), "wlan", 1 + (i % 1000)))
            .ToList();
        var oneByOne = new UsageRollup(Meters.OffloadBytesMeter, UsageWindow.Day, [Meters.Hotspot]);
        facts.ForEach(oneByOne.Add);
        var shared = new UsageRollup(Meters.OffloadBytesMeter, UsageWindow.Day, [Meters.Hotspot], new UsageRowBudget(28 * 37));

        Parallel.ForEach(facts.Chunk(500), new ParallelOptions { MaxDegreeOfParallelism = 8 }, chunk => Array.ForEach(chunk, shared.Add));

        Assert.Equal(Text(oneByOne.Rows()), Text(shared.Rows()));
    }

    private static string Text(IReadOnlyList<UsageRow> rows) =>
        string.Join("\n", rows.Select(r => $"{r.WindowStart:O} {string.Join(",", r.Group.Select(g => g.Key + "=" + g.Value))} {r.Quantity}"));
}
