using Billing.Domain.Events;
using Billing.Domain.Metering;
using Billing.Storage;

namespace Billing.Publishing.Tests;

public sealed class UsagePartitionerTests
{
    private const int Shards = 8;

    private static UsageFact Fact(string type, string source, string payer, string id) => new()
    {
        Source = source, Id = id, Payer = payer, Type = type, Time = DateTimeOffset.UnixEpoch, ContentHash = "h",
    };

    /// <summary>The fact table's partition of the event, as the store computes it.</summary>
    private static string FactPartition(string payer, string source, string id) =>
        FactStore.ShardPartitionKey(payer, (int)(FactStore.StableHash(source, id) % Shards));

    [Fact]
    public void PartitionKey_OrdinaryPayer_IsThePayerWhateverTheShard()
    {
        var partitioner = new UsagePartitioner([], Shards);

        var keys = Enumerable.Range(0, 500).Select(i => partitioner.PartitionKey("carrier-tmo", "carrier-tmo", $"sess-{i}")).Distinct();

        Assert.Equal(["carrier-tmo"], keys);
    }

    [Fact]
    public void PartitionKey_HotPayer_IsPayerAndTheFactShard()
    {
        var partitioner = new UsagePartitioner(["carrier-tmo"], Shards);

        var keys = Enumerable.Range(0, 2000).Select(i => (Id: $"sess-{i}", Key: partitioner.PartitionKey("carrier-tmo", "carrier-tmo", $"sess-{i}"))).ToList();

        // For an id without characters to escape the fact partition key and the hub key are the same text.
        Assert.All(keys, k => Assert.Equal(FactPartition("carrier-tmo", "carrier-tmo", k.Id), k.Key));
        Assert.Equal(Shards, keys.Select(k => k.Key).Distinct().Count());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void PartitionKey_EventsOfOneFactPartition_ShareOneKey(bool hot)
    {
        // Compute usage: the provider posts, tenants pay; ids and payers with characters the table escapes.
        string[] payers = ["tenant/a", "tenant|b", "tenant-c"];
        var partitioner = new UsagePartitioner(hot ? payers : [], Shards);
        var events = Enumerable.Range(0, 3000).Select(i => (Payer: payers[i % 3], Source: "provider-x", Id: $"lease#{i}/{i % 7}")).ToList();

        var keysPerFactPartition = events
            .GroupBy(e => FactPartition(e.Payer, e.Source, e.Id))
            .Select(g => g.Select(e => partitioner.PartitionKey(e.Payer, e.Source, e.Id)).Distinct().Count())
            .ToList();

        Assert.Equal(payers.Length * Shards, keysPerFactPartition.Count);
        Assert.All(keysPerFactPartition, n => Assert.Equal(1, n));
    }

    [Fact]
    public void PartitionKey_PayerLongerThanTheServiceLimit_IsAStableDigestWithinTheLimit()
    {
        string longPayer = new('p', 200);
        var partitioner = new UsagePartitioner([longPayer], Shards);

        string key = partitioner.PartitionKey(longPayer, longPayer, "sess-1");

        Assert.True(key.Length <= UsagePartitioner.MaxKeyChars, key);
        Assert.Equal(key, partitioner.PartitionKey(longPayer, longPayer, "sess-1"));
        Assert.NotEqual(key, partitioner.PartitionKey(new string('p', 199) + "q", longPayer, "sess-1"));
    }

    [Fact]
    public void Route_CarrierAndComputeFacts_GoToTheirHubsWithBodyUnchanged()
    {
        var partitioner = new UsagePartitioner([], Shards);
        byte[] body = Encoding.UTF8.GetBytes("{\"id\":\"1\"}");

        var carrier = partitioner.Route(Fact(EventTypes.CarrierOffloadV1, "carrier-tmo", "carrier-tmo", "1"), body);
        var compute = partitioner.Route(Fact(EventTypes.ComputeUsageV1, "provider-x", "tenant-a", "1"), body);

        Assert.Equal((UsageHub.CarrierOffload, "carrier-tmo"), (carrier.Hub, carrier.PartitionKey));
        Assert.Equal((UsageHub.ComputeUsage, "tenant-a"), (compute.Hub, compute.PartitionKey));
        Assert.Equal(body, compute.Body.ToArray());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65)]
    public void Constructor_FactShardsOutOfRange_Throws(int shards)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new UsagePartitioner([], shards));
    }
}
