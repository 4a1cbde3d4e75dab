using System.Globalization;
using static Billing.Tests.Shared.SampleFacts;

namespace Billing.Storage.Tests.Rollups;

[Collection(AzuriteCollection.Name)]
public class RollupStoreTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Start = new(2026, 9, 29, 22, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(UsageWindow.Month, "2026-10-01T00:00:00Z", "2026-11-01T00:00:00Z")]
    [InlineData(UsageWindow.Month, "2026-09-01T00:00:00Z", "2026-12-01T00:00:00Z")]
    [InlineData(UsageWindow.Month, "2026-09-15T10:00:00Z", "2026-11-20T00:00:00Z")] // unaligned bounds: as the row-key range
    [InlineData(UsageWindow.Day, "2026-09-30T00:00:00Z", "2026-10-03T00:00:00Z")]
    [InlineData(UsageWindow.Day, "2026-09-29T12:00:00Z", "2026-10-02T06:00:00Z")]
    [InlineData(UsageWindow.Hour, "2026-09-30T23:00:00Z", "2026-10-01T03:00:00Z")]
    [InlineData(UsageWindow.Hour, "2026-09-30T23:30:00Z", "2026-10-01T01:45:00Z")]
    public async Task ReadAsync_FewBucketsReadByKey_SameRowsAsARangeRead(UsageWindow grain, string from, string to)
    {
        var tables = await azurite.NewTablesAsync(shards: 1);
        var store = new FactStore(tables);
        await store.AppendAsync(Enumerable.Range(0, 120).Select(i => Carrier($"r-{i}", 10 + i, Start.AddMinutes(47 * i))).ToList(), CancellationToken.None);
        var rollups = new RollupStore(tables);
        var (f, t) = (DateTimeOffset.Parse(from, CultureInfo.InvariantCulture), DateTimeOffset.Parse(to, CultureInfo.InvariantCulture));

        var byKey = (await rollups.ReadAsync("carrier-tmo", 0, grain, f, t, CancellationToken.None)).Buckets;
        var wide = (await rollups.ReadAsync("carrier-tmo", 0, grain, Start.AddYears(-1), Start.AddYears(1), CancellationToken.None)).Buckets; // a range query
        var expected = wide.Where(r => string.CompareOrdinal(RollupCodec.RowKey(grain, r.Bucket.Start), RollupCodec.RowKey(grain, f)) >= 0
            && string.CompareOrdinal(RollupCodec.RowKey(grain, r.Bucket.Start), RollupCodec.RowKey(grain, t)) < 0).ToList();

        Assert.InRange(byKey.Count, 1, RollupStore.MaxPointReads);
        Assert.Equal(expected.Select(r => (r.Bucket.Start, r.ETag)), byKey.Select(r => (r.Bucket.Start, r.ETag)));
        Assert.All(byKey.Zip(expected), p => Assert.True(p.First.Bucket.SameSums(p.Second.Bucket)));
    }

    [Fact]
    public async Task HasMonthAsync_FactsInSomeShardsOfOneMonth_TrueForThatMonthOnlyAndThatPayerOnly()
    {
        var tables = await azurite.NewTablesAsync();
        var store = new FactStore(tables);
        await store.AppendAsync(Enumerable.Range(0, 3).Select(i => Carrier($"m-{i}", 10, new DateTimeOffset(2026, 10, 5, i, 0, 0, TimeSpan.Zero))).ToList(), CancellationToken.None);
        var october = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.True(await store.Rollups.HasMonthAsync("carrier-tmo", october, CancellationToken.None));
        Assert.False(await store.Rollups.HasMonthAsync("carrier-tmo", october.AddMonths(-1), CancellationToken.None));
        Assert.False(await store.Rollups.HasMonthAsync("carrier-tm", october, CancellationToken.None));
    }
}
