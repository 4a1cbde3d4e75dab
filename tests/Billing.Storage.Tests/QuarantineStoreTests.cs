
namespace Billing.Storage.Tests;

[Collection(AzuriteCollection.Name)]
public class QuarantineStoreTests(AzuriteFixture azurite)
{
    private static QuarantinedEvent Bad(string raw, string? source = "carrier-tmo") =>
        new(QuarantineKind.Invalid, raw, ["data.uploadBytes: must be between 0 and 10000000000000"], source, "id-1", "carrier-offload", "3", 42,
            new DateTimeOffset(2026, 10, 20, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 20, 10, 0, 1, TimeSpan.Zero));

    [Fact]
    public async Task AddAsync_LargeRawPayload_IsKeptWholeWithReasons()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        string raw = "{\"blob\":\"" + new string('z', 100_000) + "\"}";

        await store.AddAsync([Bad(raw)], CancellationToken.None);

        var back = Assert.Single(await store.ListAsync("carrier-tmo", CancellationToken.None));
        Assert.Equal(raw, back.Raw);
        Assert.Equal(["data.uploadBytes: must be between 0 and 10000000000000"], back.Reasons);
        Assert.Equal(("carrier-offload", "3", 42L), (back.Hub, back.PartitionId, back.SequenceNumber));
    }

    [Fact]
    public async Task AddAsync_RedeliveredBadEvent_IsStoredOnce()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());

        await store.AddAsync([Bad("{}"), Bad("{}")], CancellationToken.None);
        await store.AddAsync([Bad("{}")], CancellationToken.None);

        Assert.Single(await store.ListAsync(null, CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_UnknownSourceWithHostileText_IsStored()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());

        await store.AddAsync([Bad("not json \u0000 / \\ # ?", source: null), Bad("x", source: "we/ird#?")], CancellationToken.None);

        Assert.Equal(2, (await store.ListAsync(null, CancellationToken.None)).Count);
        Assert.Single(await store.ListAsync("we/ird#?", CancellationToken.None));
    }

    [Fact]
    public async Task AddAsync_40ConflictsOf60KiBFromOneSource_AllStoredWithBothVersionsByteExact()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        string first = "{\"v\":0,\"pad\":\"" + new string('\u20AC', 60_000) + "\"}"; // 3 UTF-8 bytes a character
        var conflicts = Enumerable.Range(1, 40)
            .Select(i => Bad("{\"v\":" + i + ",\"pad\":\"" + new string('<', 60_000) + "\"}") with { Kind = QuarantineKind.Conflict, ExistingRaw = first })
            .ToList();

        await store.AddAsync(conflicts, CancellationToken.None);

        var back = await store.ListAsync("carrier-tmo", CancellationToken.None);
        Assert.Equal(conflicts.Select(c => c.Raw).Order(StringComparer.Ordinal), back.Select(b => b.Raw).Order(StringComparer.Ordinal));
        Assert.All(back, b => Assert.Equal(first, b.ExistingRaw));
    }

    [Fact]
    public async Task AddAsync_RawLargerThanOneEntity_IsSpreadOverContinuationRowsAndReadBackWhole()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        string raw = "{\"blob\":\"" + string.Concat(Enumerable.Repeat("ab\U0001F600", 125_000)) + "\"}"; // 500,000+ characters

        await store.AddAsync([Bad(raw), Bad("{}")], CancellationToken.None);

        var back = await store.ListAsync("carrier-tmo", CancellationToken.None);
        Assert.Equal(2, back.Count);
        Assert.Contains(back, b => b.Raw == raw);
    }

    [Fact]
    public async Task AddAsync_SourceTooLongForAKey_IsStoredAndListedBySource()
    {
        var store = new QuarantineStore(await azurite.NewTablesAsync());
        string source = string.Concat(Enumerable.Repeat("\U0001F4E1", 100)); // escaped: 1,200 characters

        await store.AddAsync([Bad("{\"source\":\"" + source + "\"}", source)], CancellationToken.None);

        var back = Assert.Single(await store.ListAsync(source, CancellationToken.None));
        Assert.Equal(source, back.Source);
    }
}
