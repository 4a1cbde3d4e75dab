using Billing.Storage;
using Billing.Tests.Shared;

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
}
