namespace Billing.Storage.Tests.Rollups;

public class RollupRowCacheTests
{
    private static readonly DateTimeOffset Hour = new(2026, 10, 5, 14, 0, 0, TimeSpan.Zero);

    private static RollupRows.Row Row(string etag) => new(RollupBucket.Empty(UsageWindow.Hour, Hour), new ETag(etag), true, 0);

    [Fact]
    public void Set_BeyondCapacity_ForgetsTheLeastRecentlyUsed()
    {
        var cache = new RollupRowCache(capacity: 2);
        cache.Set("p", "a", Row("1"));
        cache.Set("p", "b", Row("2"));
        Assert.True(cache.TryGet("p", "a", out _)); // a is now the most recent

        cache.Set("p", "c", Row("3"));

        Assert.Equal(2, cache.Count);
        Assert.False(cache.TryGet("p", "b", out _));
        Assert.True(cache.TryGet("p", "a", out var a));
        Assert.Equal(new ETag("1"), a.ETag);
        Assert.True(cache.TryGet("p", "c", out _));
    }

    [Fact]
    public void Set_RowWithoutETagOrAbsent_ForgetsTheKey()
    {
        var cache = new RollupRowCache(capacity: 8);
        cache.Set("p", "a", Row("1"));
        cache.Set("q", "a", Row("2"));

        cache.Set("p", "a", Row("1") with { ETag = null });

        Assert.False(cache.TryGet("p", "a", out _));
        Assert.True(cache.TryGet("q", "a", out _)); // another partition's row of the same key stays
        cache.Set("q", "a", new RollupRows.Row(null, null, false, 0));
        Assert.Equal(0, cache.Count);
    }
}
