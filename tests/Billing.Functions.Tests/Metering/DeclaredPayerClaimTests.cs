using Billing.Application.Metering;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// A declared type whose payer is a partner of the poster's own role (a carrier reporting roaming usage another carrier
/// pays): one <c>(source, id)</c> may name the poster itself as payer, or another. Resent naming another payer, it is a
/// conflict, in either order, never a second bill.
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
