using static Billing.Application.Tests.Partners.PartnerAuditSetup;
using Billing.Tests.Shared;

namespace Billing.Application.Tests.Partners;

/// <summary>
/// The partner audit's verification of a partner the API keeps changing while it is read, on Azurite: a read that never
/// holds still is reported as such, never as tampering; one that settles is verified as any other (docs/design.md §4.14).
/// </summary>
public class PartnerAuditVerifierChangingTests(AzuriteFixture azurite) : PartnerAuditTestBase(azurite)
{
    /// <summary>
    /// A verifier over tables on which, right after each read of the partner row <paramref name="id"/> is answered (the
    /// first <paramref name="times"/> of them), finance renames that partner through the API: the trail read next is then
    /// a change ahead of the row read before it.
    /// </summary>
    private static (PartnerAuditVerifier Verifier, InterleavingTables Hook) RenamedAfterEachRowRead(PartnerAuditSetup s, string id, int times)
    {
        int renames = 0;
        var (hooked, hook) = InterleavingTables.Create(s.Tables.Options.ConnectionString!, s.Tables, $"RowKey='{id}')", async () =>
        {
            s.Clock.Advance(TimeSpan.FromSeconds(1));
            await s.Management.UpdateAsync(Finance, id, new PartnerUpdate(null, $"Renamed meanwhile {++renames}", null, null, null), Ct);
        }, times);
        return (new PartnerAuditVerifier(new PartnerStore(hooked), new LedgerStore(hooked, TestSeals.Keys)), hook);
    }

    [Fact]
    public async Task VerifyAsync_PartnerChangedDuringEveryRead_ReportsItUnsettledNotTampered()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-restless");
        var (verifier, hook) = RenamedAfterEachRowRead(s, "carrier-restless", int.MaxValue);

        var result = await verifier.VerifyAsync("carrier-restless", Ct); // before: HeadMismatch and StateMismatch, "tampering"

        Assert.True(hook.Matched >= 10, $"{hook.Matched} row reads"); // every attempt read the row twice, each a change apart
        Assert.Empty(result.Problems);
        Assert.False(result.Ok);
        Assert.Contains("could not get a stable read of the row of partner carrier-restless", result.Unsettled, StringComparison.Ordinal);
        Assert.Contains("run verify again", result.Unsettled, StringComparison.Ordinal);
        Assert.Empty((await s.Verifier.VerifyAsync("carrier-restless", Ct)).Problems); // once it holds still: intact
    }

    [Fact]
    public async Task VerifyAsync_EntryAlteredAndRowChangedDuringEveryRead_StillReportsTheAlteredEntry()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-cover");
        var entries = await s.EntriesAsync("carrier-cover");
        await s.PlantAsync(ByPartnerKey("carrier-cover", entries[0].Id), new() { ["Actor"] = "someone-else" });
        var (verifier, _) = RenamedAfterEachRowRead(s, "carrier-cover", int.MaxValue);

        var result = await verifier.VerifyAsync("carrier-cover", Ct);

        // Before: nothing was checked, so a writer who kept touching the row hid the altered entry for as long as it did.
        // The entries, their copies and the pins do not depend on the row: only its head and state are left unchecked.
        Assert.Equal([(PartnerAuditProblemKind.HashMismatch, entries[0].Id)], result.Problems.Select(p => (p.Kind, p.EntryId)));
        Assert.Contains("its head and state were not checked", result.Unsettled, StringComparison.Ordinal);
        Assert.False(result.Ok);
    }

    [Fact]
    public async Task VerifyAllAsync_OnePartnerChangedDuringEveryRead_OthersVerifiedAndOnlyThatOneUnsettled()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-calm");
        await s.BusyCarrierAsync("carrier-restless");
        await s.PlantAsync("carrier-calm", new() { ["PlanId"] = "carrier-cheap-v0" });
        var (verifier, _) = RenamedAfterEachRowRead(s, "carrier-restless", int.MaxValue);

        var results = await verifier.VerifyAllAsync(Ct);

        var calm = Assert.Single(results, r => r.PartnerId == "carrier-calm");
        Assert.Null(calm.Unsettled);
        Assert.Equal(PartnerAuditProblemKind.StateMismatch, Assert.Single(calm.Problems).Kind);
        var restless = Assert.Single(results, r => r.PartnerId == "carrier-restless");
        Assert.Empty(restless.Problems);
        Assert.NotNull(restless.Unsettled);
    }

    [Fact]
    public async Task VerifyAsync_PlantedChangeAndTheReadSettlingOnTheThirdAttempt_ReportsThePlantedChangeOnly()
    {
        var s = await NewAsync();
        await s.BusyCarrierAsync("carrier-guarded");
        await s.PlantAsync("carrier-guarded", new() { ["PlanId"] = "carrier-cheap-v0" });
        var (verifier, hook) = RenamedAfterEachRowRead(s, "carrier-guarded", 4); // two attempts of two row reads each

        var result = await verifier.VerifyAsync("carrier-guarded", Ct);

        Assert.True(hook.Matched > 4);
        Assert.Null(result.Unsettled);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(PartnerAuditProblemKind.StateMismatch, problem.Kind);
        Assert.Contains("plan 'carrier-cheap-v0'", problem.Message, StringComparison.Ordinal);
    }
}
