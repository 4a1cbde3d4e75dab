using Billing.Application.Metering;
using Billing.Functions.Tests.Invoicing;
using static Billing.Functions.Tests.Metering.LeaseOverlapTests;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// Two instances meter one event whose earlier try claimed its lease interval, with different partner data in their
/// caches: one refuses it (and releases the claim it may have left), the other accepts it and writes its fact. Whatever
/// the order of their storage calls, a stored fact keeps its interval claimed, so a later event of that interval is
/// set aside as overlap, never billed a second time.
/// </summary>
public sealed class LeaseClaimReleaseRaceTests(AzuriteFixture azurite) : MeteringTestBase
{
    [Fact]
    public async Task MeterAsync_OneInstanceReleasesTheClaimWhileTheOtherWritesTheFact_ClaimRestoredAndTheIntervalBilledOnce()
    {
        var (setup, accepting) = await ClaimedThenUnpricedAsync();
        var refusing = setup.Metering(); // reads the registry now: tenant-lab's plan prices no GPU
        // The accepting instance has decided the event's claim (its own, from the first try) and is about to write its
        // fact when the refusing instance releases that claim.
        var (paused, pause) = PausingTables.Create(azurite.ConnectionString, setup.Tables, "\"PartitionKey\":\"tenant-lab|");
        MeteringSummary? refused = null;
        pause.Meanwhile = async () => refused = await MeterAsync(refusing, Gpu("first-try", Ten));

        var accepted = await MeterAsync(setup.Metering(directory: accepting, facts: new FactStore(paused)), Gpu("first-try", Ten));

        Assert.Equal((0, 1), (refused!.Inserted, refused.Quarantined));
        Assert.Equal((1, 0), (accepted.Inserted, accepted.Quarantined));
        await AssertIntervalBilledOnceAsync(setup);
    }

    [Fact]
    public async Task MeterAsync_OtherInstanceWritesTheFactBetweenTheRefusersReadAndItsRelease_ClaimRestoredAndTheIntervalBilledOnce()
    {
        var (setup, accepting) = await ClaimedThenUnpricedAsync();
        // The refusing instance found the fact not stored and is about to write its release when the other meters the event
        // whole: its claim held, its fact written, its claims read back (still held).
        var (paused, pause) = PausingTables.Create(azurite.ConnectionString, setup.Tables, "\"PartitionKey\":\"provider-nodeops|lease|");
        MeteringSummary? accepted = null;
        pause.Meanwhile = async () => accepted = await MeterAsync(setup.Metering(directory: accepting), Gpu("first-try", Ten));

        var refused = await MeterAsync(setup.Metering(facts: new FactStore(paused)), Gpu("first-try", Ten));

        Assert.Equal((0, 1), (refused.Inserted, refused.Quarantined));
        Assert.Equal((1, 0), (accepted!.Inserted, accepted.Quarantined));
        await AssertIntervalBilledOnceAsync(setup);
    }

    /// <summary>
    /// A first try of the event that claimed its lease interval and failed writing its fact (503), then an instance whose
    /// cache still prices GPUs for tenant-lab (<c>Accepting</c>) while tenant-lab's stored plan is one that prices no GPU, so
    /// an instance that reads the registry now refuses the event.
    /// </summary>
    private async Task<(PeriodCloserSetup Setup, PartnerDirectory Accepting)> ClaimedThenUnpricedAsync()
    {
        var setup = await NewAsync(azurite);
        var (failing, _) = RefusingTables.Create(azurite.ConnectionString, setup.Tables, "\"PartitionKey\":\"tenant-lab|", status: 503);
        await Assert.ThrowsAnyAsync<RequestFailedException>(() => MeterAsync(setup.Metering(facts: new FactStore(failing)), Gpu("first-try", Ten)));
        var accepting = setup.Directory();
        await accepting.EnsureFreshAsync(Ct); // this instance's cache still prices GPUs for tenant-lab
        await setup.Partners.UpsertAsync(new PartnerRegistration(new Partner("tenant-lab", PartnerRole.Tenant, "render-standard-v1") { Providers = PeriodCloserSetup.Granted }, "k-tenant-lab-00001"), Ct);
        return (setup, accepting);
    }

    /// <summary>With tenant-lab's GPU plan back, a later event of the same interval is set aside as overlap and the hour is billed once.</summary>
    private static async Task AssertIntervalBilledOnceAsync(PeriodCloserSetup setup)
    {
        await setup.Partners.UpsertAsync(new PartnerRegistration(new Partner("tenant-lab", PartnerRole.Tenant, "compute-standard-v1") { Providers = PeriodCloserSetup.Granted }, "k-tenant-lab-00001"), Ct);
        var resent = await MeterAsync(setup.Metering(), Gpu("resent", Ten.AddMinutes(30)));

        Assert.Equal((0, 1), (resent.Inserted, resent.Quarantined)); // before: metered, half of the hour billed twice
        Assert.Equal(64 * 3600, await GpuSecondsAsync(setup));
    }
}
