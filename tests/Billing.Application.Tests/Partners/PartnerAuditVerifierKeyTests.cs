using static Billing.Application.Tests.Partners.PartnerAuditSetup;

namespace Billing.Application.Tests.Partners;

/// <summary>
/// The partner audit's verification of API keys on Azurite: a hash swapped under a key id, a retired key's expiry moved
/// in the row, and a revoking rotation (docs/design.md §4.14).
/// </summary>
public class PartnerAuditVerifierKeyTests(AzuriteFixture azurite) : PartnerAuditTestBase(azurite)
{
    [Theory]
    [InlineData(false)] // the retired key's expiry moved a year later
    [InlineData(true)] // ... or removed: it would work for ever
    public async Task VerifyAsync_RetiredKeysExpiryExtendedInTheRow_ReportsTheKeyThatWouldKeepWorking(bool never)
    {
        var s = await NewAsync();
        var created = await s.BusyCarrierAsync("carrier-extend");
        var record = (await s.Store.GetAsync("carrier-extend", Ct))!;
        var retired = Assert.Single(record.Keys.Skip(1));
        var planted = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject
        {
            ["id"] = retired.Id,
            ["hash"] = retired.Hash,
            ["createdAt"] = retired.CreatedAt?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["expiresAt"] = never ? null : retired.ExpiresAt!.Value.AddYears(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture),
        });
        await s.PlantAsync("carrier-extend", new() { ["RetiredKeys"] = planted.ToJsonString() });
        s.Clock.Advance(TimeSpan.FromDays(30));
        Assert.Equal("carrier-extend", (await s.Store.AuthenticateAsync(created.ApiKey, s.Clock.GetUtcNow(), Ct))?.Partner.Id); // the retired key works again

        var result = await s.Verifier.VerifyAsync("carrier-extend", Ct);

        AssertOnlyStateMismatch(result, $"the row lets retired key '{retired.Id}' work until {(never ? "never" : "2027-")}");
    }

    [Fact]
    public async Task VerifyAsync_KeyRotatedWithRevocation_Ok()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-revoked"); // two keys: the rotated one is in its overlap
        s.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.Management.RotateKeyAsync(Finance, "carrier-revoked", true, Ct);

        var result = await s.Verifier.VerifyAsync("carrier-revoked", Ct);

        Assert.True(result.Ok, string.Join("\n", result.Problems));
    }

    [Fact]
    public async Task VerifyAsync_KeyHashSwappedUnderTheSameKeyId_ReportsTheForeignKey()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-swap");
        // As someone with write access to storage could: their own key made to authenticate as the carrier, key id kept.
        string theirs = PartnerStore.HashKey("dbk_attacker");
        await s.PlantAsync("carrier-swap", new() { ["KeyHash"] = theirs });
        await s.Table.UpsertEntityAsync(new TableEntity("k", theirs) { ["PartnerId"] = "carrier-swap" }, TableUpdateMode.Replace, Ct);
        Assert.Equal("carrier-swap", (await s.Store.AuthenticateAsync("dbk_attacker", Now, Ct))?.Partner.Id);

        var result = await s.Verifier.VerifyAsync("carrier-swap", Ct); // before: ok, as keys were audited by id only

        AssertOnlyStateMismatch(result, "another hash than the audit trail issued it with");
    }
}
