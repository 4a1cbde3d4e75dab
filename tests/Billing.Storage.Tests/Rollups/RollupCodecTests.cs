using static Billing.Tests.Shared.SampleFacts;

namespace Billing.Storage.Tests.Rollups;

/// <summary>How rollup and marker rows read back, including rows someone with write access to storage changed.</summary>
[Collection(AzuriteCollection.Name)]
public class RollupCodecTests(AzuriteFixture azurite)
{
    private static readonly DateTimeOffset Month = new(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);

    private static TableEntity MonthRow()
    {
        var bucket = RollupBucket.Empty(UsageWindow.Month, Month);
        bucket.Add(Carrier("c-1", 100).Fact);
        return RollupCodec.ToEntity("p", bucket);
    }

    [Theory]
    [InlineData("Detail")]
    [InlineData("S0")]
    [InlineData("S1")]
    public void FromEntity_PlantedValueThatIsNotText_IsAnOverflowBucketNotAnException(string property)
    {
        var row = MonthRow();
        row[property] = 42L; // a number where the codec writes text

        var bucket = RollupCodec.FromEntity(row);

        Assert.Equal(RollupDetail.Overflow, bucket.Detail); // readers use the facts; the writer replaces the row
    }

    [Theory]
    [InlineData("Meter")]
    [InlineData("Value")]
    [InlineData("Month")]
    [InlineData("D0")]
    public void UniqueMarkerFromEntity_PlantedValueOfAnotherType_IsForeignNotAnException(string property)
    {
        var marker = new UniqueMarker("render.jobs", Month, "studio", ["x"], "v-1");
        var row = UniqueMarkerCodec.ToEntity("p", marker);
        Assert.Equal(marker, UniqueMarkerCodec.FromEntity(row) is { } read ? read with { Values = marker.Values } : null);

        row[property] = property == "Month" ? "October" : 7L;

        Assert.Null(UniqueMarkerCodec.FromEntity(row));
    }

    [Fact]
    public async Task StoredProperties_RowReadBackFromTheService_AreTheNamesTheCodecWrote()
    {
        // What decides merge over replace: a row as the SDK returns it must show no name the codec does not write,
        // or every update would fall back to a replace (slower on Azurite) without anything failing.
        var tables = await azurite.NewTablesAsync(shards: 1);
        var store = new FactStore(tables);
        await store.AppendAsync([Carrier("s-1", 10, Month.AddDays(2)), Carrier("s-2", 20, Month.AddDays(2))], CancellationToken.None);
        string partition = store.PartitionKey("carrier-tmo", "carrier-tmo", "s-1");

        foreach (var grain in RollupCodec.Grains)
        {
            var read = (await tables.Facts.GetEntityAsync<TableEntity>(partition, RollupCodec.RowKey(grain, UsageRollup.WindowStart(Month.AddDays(2), grain)))).Value;
            var written = RollupCodec.ToEntity(partition, RollupCodec.FromEntity(read));

            Assert.Equal(written.Keys.Where(k => k is not ("PartitionKey" or "RowKey")).Order(StringComparer.Ordinal), RollupCodec.StoredProperties(read).Order(StringComparer.Ordinal));
        }
    }
}
