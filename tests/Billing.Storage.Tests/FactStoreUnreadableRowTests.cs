using static Billing.Tests.Shared.SampleFacts;

namespace Billing.Storage.Tests;

/// <summary>Fact rows someone with write access to storage changed: reads say which row and property, never sum them as absent.</summary>
[Collection(AzuriteCollection.Name)]
public class FactStoreUnreadableRowTests(AzuriteFixture azurite)
{
    /// <summary>Sets <paramref name="property"/> of a stored fact's time row behind the platform's back, as someone with write access to storage could.</summary>
    internal static async Task<(string PartitionKey, string RowKey)> PlantInTimeRowAsync(BillingTables tables, FactStore store, UsageFact fact, string property, object value)
    {
        string pk = store.PartitionKey(fact.Payer, fact.Source, fact.Id);
        string rk = FactStore.TimeRowKey(fact.Time, fact.Source, fact.Id);
        await tables.Facts.UpdateEntityAsync(new TableEntity(pk, rk) { [property] = value }, Azure.ETag.All, TableUpdateMode.Merge);
        return (pk, rk);
    }

    /// <summary>Fresh tables of <paramref name="shards"/> shards holding <paramref name="count"/> carrier facts, ids <c>{idPrefix}-0</c>, <c>-1</c>, ….</summary>
    private async Task<(BillingTables Tables, FactStore Store, List<PendingFact> Facts)> StoredFactsAsync(int shards, string idPrefix, int count)
    {
        var tables = await azurite.NewTablesAsync(shards: shards);
        var store = new FactStore(tables);
        var facts = Enumerable.Range(0, count).Select(i => Carrier($"{idPrefix}-{i}", 100 + i)).ToList();
        await store.AppendAsync(facts, CancellationToken.None);
        return (tables, store, facts);
    }

    public static TheoryData<string, object, string> PlantedValues => new()
    {
        { "Bytes", "12", "Edm.String found, Edm.Int64 expected" },
        { "Payer", 7L, "Edm.Int64 found, Edm.String expected" },
        { "Time", "2026-10-20T00:00:00Z", "Edm.String found, Edm.DateTime expected" },
        { "Hotspot", 3.5, "Edm.Double found, Edm.String expected" },
        { "Readings", 5, "Edm.Int32 found, Edm.String expected" },
    };

    [Theory]
    [MemberData(nameof(PlantedValues))]
    public async Task QueryShardAsync_TimeRowWithAPlantedValueOfTheWrongType_ThrowsInvalidDataExceptionNamingRowAndProperty(string property, object value, string reason)
    {
        var (tables, store, facts) = await StoredFactsAsync(shards: 1, "pl", 5);
        var (pk, rk) = await PlantInTimeRowAsync(tables, store, facts[2].Fact, property, value);

        // Before: TableEntity.GetInt64 and friends threw InvalidOperationException, which no caller classifies as bad data.
        var ex = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var _ in store.QueryShardAsync("carrier-tmo", 0, Day, Day.AddDays(1), CancellationToken.None))
            {
            }
        });

        Assert.Contains($"partition '{pk}', row '{rk}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"property '{property}': {reason}", ex.Message, StringComparison.Ordinal);
        Assert.Contains("not written by this platform", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueryAsync_UnreadableRowsInTwoShards_ThrowsTheInvalidDataExceptionItself()
    {
        var (tables, store, facts) = await StoredFactsAsync(shards: 4, "qa", 40);
        var inTwoShards = facts.GroupBy(p => store.Shard(p.Fact.Source, p.Fact.Id)).Take(2).Select(g => g.First().Fact).ToList();
        Assert.Equal(2, inTwoShards.Count);
        foreach (var fact in inTwoShards)
        {
            await PlantInTimeRowAsync(tables, store, fact, "Bytes", "12");
        }

        // Through the channel the shards feed: neither an AggregateException of both nor a cancellation of the others.
        var ex = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            await foreach (var _ in store.QueryAsync("carrier-tmo", Day, Day.AddDays(1), CancellationToken.None))
            {
            }
        });

        Assert.Contains("property 'Bytes'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScanShardAsync_OneUnreadableRow_ReportsItAndReadsTheRest()
    {
        var (tables, store, facts) = await StoredFactsAsync(shards: 1, "sc", 5);
        var (_, rk) = await PlantInTimeRowAsync(tables, store, facts[1].Fact, "GpuSeconds", "60");

        var rows = new List<FactRowRead>();
        await foreach (var row in store.ScanShardAsync("carrier-tmo", 0, Day, Day.AddDays(1), CancellationToken.None))
        {
            rows.Add(row);
        }

        Assert.Equal(5, rows.Count);
        var unreadable = Assert.Single(rows, r => r.Fact is null);
        Assert.Equal(rk, unreadable.RowKey);
        Assert.Contains("property 'GpuSeconds'", unreadable.Unreadable!.Message, StringComparison.Ordinal);
        Assert.Equal(facts.Where((_, i) => i != 1).Sum(p => p.Fact.Bytes), rows.Sum(r => r.Fact?.Bytes ?? 0));
    }
}
