namespace Billing.Domain.Tests.Metering;

public class FactShardTests
{
    [Fact]
    public void StableHash_KnownEvent_IsPinned()
    {
        // XxHash32("carrier-tmo\0sess-1"), the value the fact table has always used: a change would re-key every stored fact.
        Assert.Equal(3573202208u, FactShard.StableHash("carrier-tmo", "sess-1"));
    }

    [Fact]
    public void StableHash_LongIds_HashLikeShortOnes()
    {
        // Ids past the stack buffer go through a rented array; the hash must not depend on that.
        string id = new('é', 400);

        Assert.Equal(FactShard.StableHash("s", id), FactShard.StableHash("s", string.Concat(id)));
        Assert.NotEqual(FactShard.StableHash("s", id), FactShard.StableHash("s", id + "x"));
        Assert.NotEqual(FactShard.StableHash("ab", "c"), FactShard.StableHash("a", "bc"));
    }

    [Fact]
    public void Of_ManyIds_StayInRangeAndReachEveryShard()
    {
        var shards = Enumerable.Range(0, 2000).Select(i => FactShard.Of("carrier-tmo", $"sess-{i}", 8)).ToList();

        Assert.All(shards, s => Assert.InRange(s, 0, 7));
        Assert.Equal(8, shards.Distinct().Count());
        Assert.Equal((int)(3573202208u % 8), FactShard.Of("carrier-tmo", "sess-1", 8));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void Of_ShardCountOutOfRange_Throws(int shards)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FactShard.Of("s", "id", shards));
    }
}
