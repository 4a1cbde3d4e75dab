using Billing.Application.Metering;
using Billing.Functions.Tests.Invoicing;
using static Billing.Functions.Tests.Metering.SessionOverlapTests;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// Two versions of one carrier session event (one id, other content) metered at once by two instances, on a carrier
/// type whose ids are not claimed: the one that claimed the session's window first is about to write its fact when the
/// other meters whole. Whichever version is stored, the session keeps a claim of the stored version's window, so a
/// resend under a new id is set aside as overlap, never billed a second time.
/// </summary>
public sealed class SessionClaimVersionRaceTests(AzuriteFixture azurite) : MeteringTestBase
{
    /// <summary>The same window, other bytes: another version of <paramref name="id"/>.</summary>
    private static string OtherVersion(string id, DateTimeOffset end, string session) =>
        new CarrierEvent(id, Hotspot, 1, 1, end) { SessionId = session, Duration = TimeSpan.FromMinutes(15) }.ToJson().ToJsonString();

    [Fact]
    public async Task MeterAsync_OtherVersionMeteredWhileTheFirstClaimerWrites_StoredVersionKeepsTheSessionClaimed()
    {
        var (setup, first, other) = await RaceAsync(OtherVersion("evt-x", Ten, "s-1"));

        var resent = await MeterAsync(setup.Metering(), Offload("evt-resent", Ten, session: "s-1"));

        Assert.Equal(1, first.Inserted + other.Inserted); // one version stored, the other set aside
        Assert.Equal((0, 1), (resent.Inserted, resent.Quarantined)); // before: inserted, the session billed twice
        Assert.Equal(1, await SessionsAsync(setup));
    }

    [Fact]
    public async Task MeterAsync_OtherVersionOfAnotherWindowStoredFirst_ItsClaimSurvivesTheFirstClaimersConflict()
    {
        var (setup, first, other) = await RaceAsync(OtherVersion("evt-x", Ten.AddHours(1), "s-1"));

        var resent = await MeterAsync(setup.Metering(), Offload("evt-resent", Ten.AddHours(1), session: "s-1"));

        Assert.Equal(((0, 1), (1, 0)), ((first.Inserted, first.Quarantined), (other.Inserted, other.Quarantined))); // the other version wrote first: the first conflicts
        Assert.Equal((0, 1), (resent.Inserted, resent.Quarantined)); // before: inserted, the conflict released the stored version's window
        Assert.Equal(1, await SessionsAsync(setup));
    }

    /// <summary>
    /// Meters <c>evt-x</c> of session s-1 ending at ten on one instance, which pauses before writing its fact (its window
    /// claimed) while another instance meters <paramref name="otherVersion"/> whole.
    /// </summary>
    private async Task<(PeriodCloserSetup Setup, MeteringSummary First, MeteringSummary Other)> RaceAsync(string otherVersion)
    {
        var setup = await NewAsync(azurite);
        var (paused, pause) = PausingTables.Create(azurite.ConnectionString, setup.Tables, "\"Raw\":");
        MeteringSummary? other = null;
        pause.Meanwhile = async () => other = await MeterAsync(setup.Metering(), otherVersion);

        var first = await MeterAsync(setup.Metering(facts: new FactStore(paused)), Offload("evt-x", Ten, session: "s-1"));

        return (setup, first, other!);
    }
}
