using Billing.Application.Metering;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// A declared type whose payer is a partner of the poster's own role (a carrier reporting roaming usage another carrier
/// pays): one <c>(source, id)</c> may name the poster itself as payer, or another. Resent naming another payer, it is a
/// conflict, in either order, never a second bill; so is an id of the carrier's own offload (paid by the carrier) resent
/// as roaming another carrier pays. A deployment where carriers post no payer-naming type (the default) claims nothing
/// for offload: one write a session.
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class DeclaredPayerClaimTests(AzuriteFixture azurite)
{
    private static string Roaming(string id, string payer, long units) =>
        DeclaredMeteringWorld.Event("test.roam.v1", "carrier-a", id, DeclaredMeteringWorld.October.Start.AddDays(9), new JsonObject { ["payerId"] = payer, ["units"] = units });

    [Theory]
    [InlineData("carrier-a", "carrier-b")] // the poster first, then another payer
    [InlineData("carrier-b", "carrier-a")]
    public async Task MeterAsync_SameIdResentNamingAnotherPayer_ConflictBilledOnce(string firstPayer, string secondPayer)
    {
        var world = await DeclaredMeteringWorld.NewAsync(azurite, 8, DeclaredMeteringWorld.Roaming, DeclaredMeteringWorld.RoamingPlan,
            new Partner("carrier-a", PartnerRole.Carrier, "roam-v1"), new Partner("carrier-b", PartnerRole.Carrier, "roam-v1"));

        var first = await world.MeterAsync(Roaming("r-1", firstPayer, 100));
        var second = await world.MeterAsync(Roaming("r-1", secondPayer, 100));
        var redelivered = await world.MeterAsync(Roaming("r-1", firstPayer, 100));

        Assert.Equal((1, 0), (first.Inserted, first.Quarantined));
        Assert.Equal((0, 1), (second.Inserted, second.Quarantined)); // before: inserted, both carriers billed 100 units
        Assert.Equal((0, 1), (redelivered.Inserted, redelivered.Duplicates));
        var set = Assert.Single((await world.Quarantine.PageAsync(new QuarantineFilter("carrier-a", null, null, null), null, 10, CancellationToken.None)).Entries);
        Assert.Equal(("r-1", QuarantineKind.Conflict), (set.EventId, set.Kind));
        Assert.Equal(100, await UnitsAsync(world, firstPayer));
        Assert.Equal(0, await UnitsAsync(world, secondPayer));
    }

    private static string Offload(string id) =>
        SampleEvents.Carrier(id, PlatformFixture.NewHotspot(), 700, 300, DeclaredMeteringWorld.October.Start.AddDays(9), source: "carrier-a").ToJsonString();

    private static Task<DeclaredMeteringWorld> RoamingWorldAsync(AzuriteFixture azurite) =>
        DeclaredMeteringWorld.NewAsync(azurite, 8, DeclaredMeteringWorld.Roaming, DeclaredMeteringWorld.RoamingPlan,
            new Partner("carrier-a", PartnerRole.Carrier, "roam-v1"), new Partner("carrier-b", PartnerRole.Carrier, "roam-v1"));

    [Theory]
    [InlineData(true)] // offload first, then the same id as roaming carrier-b pays
    [InlineData(false)]
    public async Task MeterAsync_OffloadIdResentAsRoamingAnotherCarrierPays_ConflictBilledOnce(bool offloadFirst)
    {
        var world = await RoamingWorldAsync(azurite);
        Task<MeteringSummary> OffloadAsync() => world.MeterOnAsync(MeteringHubs.CarrierOffload, Offload("r-1"));
        Task<MeteringSummary> RoamingAsync() => world.MeterAsync(Roaming("r-1", "carrier-b", 100));

        var first = await (offloadFirst ? OffloadAsync() : RoamingAsync());
        var second = await (offloadFirst ? RoamingAsync() : OffloadAsync());

        Assert.Equal((1, 0), (first.Inserted, first.Quarantined));
        Assert.Equal((0, 1), (second.Inserted, second.Quarantined)); // before: inserted, the offload in carrier-a's bill and the roaming in carrier-b's
        var set = Assert.Single((await world.Quarantine.PageAsync(new QuarantineFilter("carrier-a", null, null, null), null, 10, CancellationToken.None)).Entries);
        Assert.Equal(("r-1", QuarantineKind.Conflict), (set.EventId, set.Kind));
        var stored = new List<UsageFact>();
        foreach (string payer in new[] { "carrier-a", "carrier-b" })
        {
            stored.AddRange(await world.Facts.QueryAsync(payer, DeclaredMeteringWorld.October.Start, DeclaredMeteringWorld.October.End, CancellationToken.None).ToListAsync());
        }

        var fact = Assert.Single(stored);
        Assert.Equal(offloadFirst ? (EventTypes.CarrierOffloadV1, "carrier-a") : ("test.roam.v1", "carrier-b"), (fact.Type, fact.Payer));
    }

    [Theory]
    [InlineData(false, 0)] // the shipped types: carriers post offload only, so no claim is needed
    [InlineData(true, 1)] // carriers also post roaming, which names its payer: offload claims its id too
    public async Task MeterAsync_CarrierOffload_ClaimsItsIdOnlyWhenCarriersMayPostAPayerNamingType(bool roamingDeclared, int claims)
    {
        var world = roamingDeclared
            ? await RoamingWorldAsync(azurite)
            : await DeclaredMeteringWorld.ShippedAsync(azurite, 8, new Partner("carrier-a", PartnerRole.Carrier, "carrier-standard-v1"));

        string offload = Offload("s-1");
        var first = await world.MeterOnAsync(MeteringHubs.CarrierOffload, offload);
        var redelivered = await world.MeterOnAsync(MeteringHubs.CarrierOffload, offload);

        Assert.Equal((1, 0), (first.Inserted, first.Quarantined));
        Assert.Equal((0, 1, 0), (redelivered.Inserted, redelivered.Duplicates, redelivered.Quarantined));
        string claimRows = TableClient.CreateQueryFilter($"PartitionKey ge {"carrier-a|claims|"} and PartitionKey lt {"carrier-a|claims}"}");
        Assert.Equal(claims, await world.Tables.Facts.QueryAsync<TableEntity>(claimRows).CountAsync());
    }

    private static async Task<long> UnitsAsync(DeclaredMeteringWorld world, string payer)
    {
        long units = 0;
        await foreach (var fact in world.Facts.QueryAsync(payer, DeclaredMeteringWorld.October.Start, DeclaredMeteringWorld.October.End, CancellationToken.None))
        {
            units += fact.Quantity("test.roam") ?? 0;
        }

        return units;
    }
}
