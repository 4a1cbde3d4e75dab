using Billing.Application.Tests.Rollups;

namespace Billing.Application.Tests.Usage;

/// <summary>
/// The usage read from rollups equals the read from facts alone (docs/design.md §6) at the edges a partner can ask for:
/// month and year boundaries, leap days, 100 ns fractions, offsets other than Z, one-tick ranges, every window and grouping.
/// </summary>
public class UsageReaderEdgeTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private static readonly DateTimeOffset[] Times =
    [
        new(2027, 12, 31, 23, 59, 59, TimeSpan.Zero), new(2027, 12, 31, 23, 59, 59, TimeSpan.Zero),
        new(2028, 1, 1, 0, 0, 0, TimeSpan.Zero), new(2028, 1, 31, 23, 0, 0, TimeSpan.Zero),
        new(2028, 2, 28, 23, 59, 59, TimeSpan.Zero), new(2028, 2, 29, 0, 0, 0, TimeSpan.Zero), new(2028, 2, 29, 13, 30, 0, TimeSpan.Zero),
        new(2028, 2, 29, 23, 59, 59, TimeSpan.Zero), new(2028, 3, 1, 0, 0, 0, TimeSpan.Zero), new(2028, 3, 1, 0, 0, 0, TimeSpan.Zero),
    ];

    private static IEnumerable<(DateTimeOffset From, DateTimeOffset To)> Ranges()
    {
        var y = new DateTimeOffset(2028, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var leap = new DateTimeOffset(2028, 2, 29, 0, 0, 0, TimeSpan.Zero);
        yield return (y.AddMonths(-1), y.AddMonths(3));
        yield return (y.AddTicks(-1), y.AddTicks(1));
        yield return (y.AddTicks(-1), y);
        yield return (y, y.AddTicks(1));
        yield return (y.AddHours(-1).AddTicks(1), leap.AddDays(1).AddTicks(1));
        yield return (leap, leap.AddDays(1));
        yield return (leap.AddTicks(-1), leap.AddDays(1).AddTicks(-1));
        yield return (leap.AddHours(13).AddMinutes(30), leap.AddHours(13).AddMinutes(30).AddTicks(1));
        yield return (new DateTimeOffset(2028, 1, 1, 5, 30, 0, TimeSpan.FromHours(5.5)), new DateTimeOffset(2028, 3, 1, 14, 0, 0, TimeSpan.FromHours(14)));
        yield return (new DateTimeOffset(2027, 12, 31, 12, 0, 0, TimeSpan.FromHours(-12)), new DateTimeOffset(2028, 2, 29, 10, 0, 0, TimeSpan.FromHours(-14)));
        yield return (new DateTimeOffset(2027, 12, 31, 23, 15, 0, TimeSpan.FromMinutes(45)), new DateTimeOffset(2028, 2, 29, 23, 59, 59, 999, TimeSpan.FromMinutes(-45)));
    }

    private static PendingFact Carrier(int i, DateTimeOffset time) => new(new UsageFact
    {
        Source = "carrier-tmo", Id = "edge-" + i, Payer = "carrier-tmo", Type = EventTypes.CarrierOffloadV1, Time = time,
        ContentHash = "h" + i, Hotspot = "hs-" + (i % 3), Rat = i % 2 == 0 ? "wlan" : "nr", Bytes = 1000 + i,
    }, "{}");

    [Fact]
    public async Task ReadAsync_RangesAtMonthYearAndLeapDayEdges_EqualTheFactsAlone()
    {
        var tables = await azurite.NewTablesAsync(shards: 2);
        var facts = new FactStore(tables);
        var pending = Times.SelectMany((t, i) => new[] { Carrier(i, t), Carrier(100 + i, t.AddTicks(9_999_999)) }).ToList();
        pending.AddRange(Times.Select((t, i) => UniqueCountRollupTests.Mapping("edge-map-" + i, t.AddTicks(i), UniqueCountRollupTests.Cell(i % 4))));
        await facts.AppendAsync(pending, Ct);
        var reader = new UsageReader(facts);
        var cells = new MeterDefinition("mapping.unique_cells", Aggregation.UniqueCount, "depin.mapping.coverage.v1", []);
        var distance = new MeterDefinition("mapping.distance", Aggregation.Sum, "depin.mapping.coverage.v1", ["device"]);

        foreach (var (from, to) in Ranges())
        {
            foreach (var window in Enum.GetValues<UsageWindow>())
            {
                foreach (var (payer, meter, groupBy) in new (string, MeterDefinition, string[])[]
                {
                    ("carrier-tmo", Meters.OffloadBytesMeter, []), ("carrier-tmo", Meters.OffloadBytesMeter, [Meters.Hotspot, Meters.Rat]),
                    ("carrier-tmo", Meters.OffloadSessionsMeter, [Meters.Rat]), ("tenant-map", cells, []), ("tenant-map", distance, ["device"]),
                })
                {
                    string what = $"{payer} {meter.Name} {window} [{from:O}, {to:O}) by {string.Join(",", groupBy)}";
                    var rollups = await reader.ReadAsync(payer, meter, window, from, to, groupBy, null, Ct);
                    var scan = await reader.FromFactsAsync(payer, meter, window, from, to, groupBy, null, Ct);
                    Assert.True(RollupPropertyTests.Text(scan) == RollupPropertyTests.Text(rollups), $"{what}\nfacts:\n{RollupPropertyTests.Text(scan)}\nrollups:\n{RollupPropertyTests.Text(rollups)}");
                    Assert.All(rollups, r => Assert.True(r.WindowStart < to && UsageRollup.WindowEnd(r.WindowStart, window) > from, what));
                }
            }
        }
    }
}
