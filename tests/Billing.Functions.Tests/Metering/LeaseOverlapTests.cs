using Billing.Application.Metering;
using Billing.Functions.Tests.Invoicing;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// For one (source, lease) the compute intervals describe one allocation over time: an event whose interval overlaps the
/// interval of another event (another id) metered first is the same usage counted twice, so it is set aside as
/// <c>overlap</c> and the lease's usage is billed once (docs/contract.md §3). Adjacent intervals, a redelivery, other
/// leases and another provider's lease of the same name are independent.
/// </summary>
public sealed class LeaseOverlapTests(AzuriteFixture azurite) : MeteringTestBase
{
    /// <summary>64 H100 for <paramref name="seconds"/> up to <paramref name="end"/>: an hour bills 128.00, above the plan's minimum.</summary>
    internal static string Gpu(string id, DateTimeOffset end, int seconds = 3600, string lease = "lease-77", string source = "provider-nodeops", string model = "H100") =>
        new ComputeEvent(id, lease, model, 64, end) { Duration = TimeSpan.FromSeconds(seconds), Source = source }.ToJson().ToJsonString();

    internal static Task<MeteringSummary> MeterAsync(MeteringService metering, params string[] events) =>
        MeterBatchAsync(metering, MeteringHubs.ComputeUsage, EventTypes.ComputeUsageV1, events);

    internal static Task<IReadOnlyList<QuarantineEntry>> SetAsideAsync(PeriodCloserSetup setup, string source = "provider-nodeops") => SetAsideOfAsync(setup, source);

    internal static async Task<long> GpuSecondsAsync(PeriodCloserSetup setup) =>
        await setup.Facts.QueryAsync("tenant-lab", October.Start, October.End, Ct).Select(f => f.GpuSeconds).SumAsync();

    /// <summary>The one event set aside is <paramref name="id"/>, an overlap whose reason names each of <paramref name="named"/>; <paramref name="hours"/> hours of the 64 GPUs are metered.</summary>
    private static async Task AssertOneOverlapAsync(PeriodCloserSetup setup, string id, int hours, params string[] named)
    {
        var set = Assert.Single(await SetAsideAsync(setup));
        Assert.Equal((id, QuarantineKind.Overlap), (set.EventId, set.Kind));
        string reason = Assert.Single(set.Reasons);
        Assert.All(named, part => Assert.Contains(part, reason, StringComparison.Ordinal));
        Assert.Equal(hours * 64 * 3600, await GpuSecondsAsync(setup));
    }

    [Fact]
    public async Task MeterAsync_SameIntervalResentUnderANewId_SetAsideAsOverlapAndTheHourBilledOnce()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();

        var first = await MeterAsync(metering, Gpu("lease-77:10h", Ten));
        var resent = await MeterAsync(metering, Gpu("7f1c0c52-resend", Ten)); // a partner minting a new id per send attempt
        setup.Clock.SetUtcNow(October.End.AddDays(1));
        var closed = await setup.Closer.CloseAsync(October, force: false, Ct);

        Assert.Equal((1, 0), (first.Inserted, first.Quarantined));
        Assert.Equal((0, 1), (resent.Inserted, resent.Quarantined)); // before: inserted, the hour billed twice
        await AssertOneOverlapAsync(setup, "7f1c0c52-resend", 1, "'lease-77:10h'", "[2026-10-10T09:00:00Z, 2026-10-10T10:00:00Z)",
            "should that event be set aside after all, a replay of this one meters it"); // what finance does then: nothing re-meters it by itself
        Assert.Equal(12_800, Assert.Single(closed.Invoices, i => i.Payer == "tenant-lab").Total.MinorUnits); // 64 GPU-hours at 2.00
    }

    [Fact]
    public async Task MeterAsync_PartialOverlapAndAdjacentIntervals_OverlapSetAsideAdjacentBothMetered()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();

        var hour = await MeterAsync(metering, Gpu("h-10", Ten));
        var adjacent = await MeterAsync(metering, Gpu("h-11", Ten.AddHours(1)), Gpu("h-9", Ten.AddHours(-1))); // [10,11) and [8,9): they touch it only
        var partial = await MeterAsync(metering, Gpu("half-past", Ten.AddMinutes(30))); // [9:30, 10:30)

        Assert.Equal((1, 2, 0), (hour.Inserted, adjacent.Inserted, adjacent.Quarantined));
        Assert.Equal((0, 1), (partial.Inserted, partial.Quarantined)); // before: metered, half an hour twice
        await AssertOneOverlapAsync(setup, "half-past", 3);
    }

    [Fact]
    public async Task MeterAsync_FirstEventRedelivered_DuplicateNotOverlap()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();
        await MeterAsync(metering, Gpu("lease-77:10h", Ten));

        var redelivered = await MeterAsync(metering, Gpu("lease-77:10h", Ten));
        var again = await MeterAsync(setup.Metering(facts: new FactStore(setup.Tables)), Gpu("lease-77:10h", Ten)); // another instance

        Assert.Equal((0, 1, 0), (redelivered.Inserted, redelivered.Duplicates, redelivered.Quarantined));
        Assert.Equal((0, 1, 0), (again.Inserted, again.Duplicates, again.Quarantined));
        Assert.Empty(await SetAsideAsync(setup));
        Assert.Equal(64 * 3600, await GpuSecondsAsync(setup));
    }

    [Fact]
    public async Task MeterAsync_OtherLeaseOrSameLeaseFromAnotherProvider_AllMetered()
    {
        var setup = await NewAsync(azurite);
        await setup.Partners.UpsertAsync(new PartnerRegistration(new Partner("provider-other", PartnerRole.Provider, null), "k-provider-other-1"), Ct);
        var metering = setup.Metering();

        var summary = await MeterAsync(metering,
            Gpu("a", Ten), Gpu("b", Ten, lease: "lease-78"), Gpu("a", Ten, source: "provider-other"), Gpu("c", Ten, source: "provider-other"));

        Assert.Equal((3, 1), (summary.Inserted, summary.Quarantined)); // provider-other's c overlaps its own a on lease-77
        Assert.Equal(("c", QuarantineKind.Overlap), (Assert.Single(await SetAsideAsync(setup, "provider-other")).EventId, Assert.Single(await SetAsideAsync(setup, "provider-other")).Kind));
        Assert.Empty(await SetAsideAsync(setup));
        Assert.Equal(3 * 64 * 3600, await GpuSecondsAsync(setup));
    }

    [Fact]
    public async Task MeterAsync_SameLeaseAndIntervalOfAnotherGpuModel_BothMetered()
    {
        var setup = await NewAsync(azurite);

        var summary = await MeterAsync(setup.Metering(), Gpu("h100", Ten), Gpu("a100", Ten, model: "A100"));

        Assert.Equal((2, 0), (summary.Inserted, summary.Quarantined)); // a lease reported per model: two allocations side by side
        Assert.Empty(await SetAsideAsync(setup));
    }

    [Fact]
    public async Task MeterAsync_OneLeaseBackfilledOverTwentyDaysInOneBatch_AllMeteredAndAResendOfEachSetAside()
    {
        // One group reads its day rows with one query: a filter naming each of 20 days passes the 15 comparisons Azure Table
        // Storage allows (Azurite does not enforce it, so this checks the range read's result, not the service's limit).
        var setup = await NewAsync(azurite);
        var days = Enumerable.Range(0, 20).Select(d => Ten.AddDays(-d)).ToList();

        var first = await MeterAsync(setup.Metering(), [.. days.Select((end, d) => Gpu("day-" + d, end))]);
        var again = await MeterAsync(setup.Metering(), [.. days.Select((end, d) => Gpu("again-" + d, end))]);

        Assert.Equal((20, 0), (first.Inserted, first.Quarantined));
        Assert.Equal((0, 20), (again.Inserted, again.Quarantined));
        Assert.All(await SetAsideAsync(setup), e => Assert.Equal(QuarantineKind.Overlap, e.Kind));
    }

    [Fact]
    public async Task MeterAsync_OverlapInsideOneBatch_TheLaterInBatchOrderSetAside()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();

        // The later interval comes first in the batch: the first sent wins, whatever the times.
        var summary = await MeterAsync(metering, Gpu("sent-first", Ten.AddMinutes(30)), Gpu("sent-second", Ten), Gpu("sent-third", Ten.AddHours(2)));

        Assert.Equal((2, 1), (summary.Inserted, summary.Quarantined)); // before: 3 metered
        await AssertOneOverlapAsync(setup, "sent-second", 2, "'sent-first'");
    }

    [Fact]
    public async Task MeterAsync_TwoInstancesMeterOverlappingEventsOfOneLeaseAtOnce_ExactlyOneMetered()
    {
        var setup = await NewAsync(azurite);
        var one = setup.Metering(facts: new FactStore(setup.Tables));
        var other = setup.Metering(facts: new FactStore(setup.Tables)); // another host: its own clients and caches
        const int Leases = 6;

        var summaries = await Task.WhenAll(Enumerable.Range(0, Leases).SelectMany(n => new[]
        {
            MeterAsync(one, Gpu($"one-{n}", Ten, lease: $"race-{n}")),
            MeterAsync(other, Gpu($"other-{n}", Ten.AddMinutes(15), lease: $"race-{n}")),
        }));

        Assert.Equal((Leases, Leases), (summaries.Sum(s => s.Inserted), summaries.Sum(s => s.Quarantined))); // before: every event metered
        var set = await SetAsideAsync(setup);
        Assert.All(set, e => Assert.Equal(QuarantineKind.Overlap, e.Kind));
        Assert.Equal(Leases, set.Select(e => e.EventId!.Split('-')[1]).Distinct().Count()); // one a lease
        Assert.Equal(Leases * 64 * 3600, await GpuSecondsAsync(setup));
    }

    [Fact]
    public async Task MeterAsync_EventRefusedAfterItsIntervalWasClaimed_DoesNotBlockALaterEventOfThatInterval()
    {
        var setup = await NewAsync(azurite);
        // Storage refuses the fact rows of tenant-lab (its partitions), not the id claim or the lease's interval rows.
        var (faulty, fault) = RefusingTables.Create(azurite.ConnectionString, setup.Tables, "\"PartitionKey\":\"tenant-lab|");
        var refusing = setup.Metering(facts: new FactStore(faulty));

        var refused = await MeterAsync(refusing, Gpu("refused", Ten));
        var redelivered = await MeterAsync(refusing, Gpu("refused", Ten)); // releasing again changes nothing
        fault.Refusing = false;
        var later = await MeterAsync(setup.Metering(), Gpu("later", Ten.AddMinutes(30)));

        Assert.Equal((0, 1), (refused.Inserted, refused.Quarantined));
        Assert.Equal((0, 1), (redelivered.Inserted, redelivered.Quarantined));
        Assert.Equal(QuarantineKind.Unstorable, Assert.Single(await SetAsideAsync(setup)).Kind);
        Assert.Equal((1, 0), (later.Inserted, later.Quarantined)); // before: set aside as overlapping the refused event
        Assert.Equal(64 * 3600, await GpuSecondsAsync(setup));
    }

    [Fact]
    public async Task MeterAsync_IntervalCrossingMidnightUtc_OverlapsOneOfTheNextDay()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();
        var midnight = October.Start.AddDays(9);

        var across = await MeterAsync(metering, Gpu("23h-01h", midnight.AddHours(1), seconds: 7200)); // [23:00, 01:00)
        var next = await MeterAsync(metering, Gpu("0030h", midnight.AddMinutes(90)), Gpu("22h", midnight.AddHours(-1))); // [00:30, 01:30) and [22:00, 23:00)

        Assert.Equal((1, 0), (across.Inserted, across.Quarantined));
        Assert.Equal((1, 1), (next.Inserted, next.Quarantined)); // before: both metered
        await AssertOneOverlapAsync(setup, "0030h", 3, "[2026-10-09T23:00:00Z, 2026-10-10T01:00:00Z)");
    }

    [Fact]
    public async Task MeterAsync_OtherVersionOfAnIdReachingIntoTheNextDay_ConflictAndTheFirstKeepsItsInterval()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();
        var midnight = October.Start.AddDays(9);
        await MeterAsync(metering, Gpu("23h", midnight)); // [23:00, 00:00): the day row of the 9th holds it

        // The same id resent corrected, now [23:00, 01:00): its window reaches a day the first never claimed. The stored version
        // counts (a conflict), found at the id claim (providers' events claim their id first), before any window is claimed: a
        // release of the resend's windows would take the first's interval with it, its key being the id.
        var corrected = await MeterAsync(metering, Gpu("23h", midnight.AddHours(1), seconds: 7200));
        var resend = await MeterAsync(metering, Gpu("4c1e-resend", midnight)); // the first hour again, under a new id

        Assert.Equal((0, 1), (corrected.Inserted, corrected.Quarantined));
        Assert.Equal((0, 1), (resend.Inserted, resend.Quarantined));
        var set = await SetAsideAsync(setup);
        Assert.Equal([("23h", QuarantineKind.Conflict), ("4c1e-resend", QuarantineKind.Overlap)], set.Select(e => (e.EventId!, e.Kind)).Order().ToArray());
        Assert.Equal(64 * 3600, await GpuSecondsAsync(setup));
    }

    [Fact]
    public async Task ReplayAsync_OverlapWhileTheOtherStillHolds_SetAsideAgainAndNothingCountedTwice()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();
        await MeterAsync(metering, Gpu("first", Ten));
        await MeterAsync(metering, Gpu("second", Ten.AddMinutes(10)));
        var entry = Assert.Single(await SetAsideAsync(setup));

        var replayed = await setup.Replayer(metering).ReplayAsync(entry.Id, "finance", Ct);
        var again = await setup.Replayer(metering).ReplayAsync(entry.Id, "finance", Ct);

        Assert.Equal(QuarantineKind.Overlap, entry.Kind);
        Assert.Equal((ReplayOutcome.Overlap, ReplayOutcome.Overlap), (replayed!.Outcome, again!.Outcome));
        Assert.False(replayed.Counted);
        Assert.Equal("data.intervalStart", Assert.Single(replayed.Reasons).Field);
        Assert.Single(await SetAsideAsync(setup)); // the same row, its replays recorded
        Assert.Equal(64 * 3600, await GpuSecondsAsync(setup));
    }

    [Fact]
    public async Task MeterAsync_RedeliveryOfAnEventMeteredBeforeItsLeaseClaimedIntervals_DuplicateNotOverlap()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();
        await MeterAsync(metering, Gpu("first", Ten));
        // "second" was metered before leases claimed intervals (before 2026-12): its fact is stored, its interval is not.
        string second = Gpu("second", Ten);
        var directory = setup.Directory();
        await directory.EnsureFreshAsync(Ct);
        var fact = new UsageEventValidator(directory, setup.Plans).Validate(System.Text.Encoding.UTF8.GetBytes(second), new ValidationContext(October.Start.AddDays(10), null)).Fact!;
        await setup.Facts.AppendAsync([new PendingFact(fact with { IntervalStart = null }, second)], Ct);

        var redelivered = await MeterAsync(metering, second);

        Assert.Equal((0, 1, 0), (redelivered.Inserted, redelivered.Duplicates, redelivered.Quarantined)); // before: set aside as overlap, yet counted
        Assert.Empty(await SetAsideAsync(setup));
        Assert.Equal(2 * 64 * 3600, await GpuSecondsAsync(setup)); // billed twice before 2026-12; nothing more now
    }

    [Fact]
    public async Task MeterAsync_ClaimedEventSetAsideAsInvalidOnRedelivery_ReleasesItsIntervalForACorrectedResend()
    {
        var setup = await NewAsync(azurite);
        // The fact rows of tenant-lab fail transiently after the event claimed its id and its interval: the batch fails.
        var (faulty, _) = RefusingTables.Create(azurite.ConnectionString, setup.Tables, "\"PartitionKey\":\"tenant-lab|", status: 503);
        await Assert.ThrowsAnyAsync<RequestFailedException>(() => MeterAsync(setup.Metering(facts: new FactStore(faulty)), Gpu("first-try", Ten)));
        // Between tries the tenant's plan changed to one that prices no GPU: the redelivery is set aside as invalid.
        await setup.Partners.UpsertAsync(new PartnerRegistration(new Partner("tenant-lab", PartnerRole.Tenant, "render-standard-v1") { Providers = PeriodCloserSetup.Granted }, "k-tenant-lab-00001"), Ct);
        var redelivered = await MeterAsync(setup.Metering(), Gpu("first-try", Ten));
        await setup.Partners.UpsertAsync(new PartnerRegistration(new Partner("tenant-lab", PartnerRole.Tenant, "compute-standard-v1") { Providers = PeriodCloserSetup.Granted }, "k-tenant-lab-00001"), Ct);
        var corrected = await MeterAsync(setup.Metering(), Gpu("corrected", Ten)); // the provider resends the hour

        Assert.Equal((0, 1), (redelivered.Inserted, redelivered.Quarantined));
        Assert.Equal((1, 0), (corrected.Inserted, corrected.Quarantined)); // before: set aside as overlapping first-try, billed nowhere
        var set = Assert.Single(await SetAsideAsync(setup));
        Assert.Equal(("first-try", QuarantineKind.Invalid), (set.EventId, set.Kind));
        Assert.Equal(64 * 3600, await GpuSecondsAsync(setup));
    }

    [Fact]
    public async Task MeterAsync_ReleaseStorageRefuses_LoggedAsAClaimNotReleasedNotAsMeteredUnchecked()
    {
        var setup = await NewAsync(azurite);
        // Storage refuses the fact rows of tenant-lab, and the lease row the claim's release writes back (no interval left in it).
        var (faulty, _) = RefusingTables.Create(azurite.ConnectionString, setup.Tables, ["\"PartitionKey\":\"tenant-lab|", "\"Count\":0"]);
        var log = new ListLogger<MeteringService>();
        var directory = setup.Directory();
        var metering = new MeteringService(new UsageEventValidator(directory, setup.Plans), new FactStore(faulty), new QuarantineStore(setup.Tables), directory, setup.Clock, new MeteringLag(setup.Clock, Options.Create(new MeteringOptions()), NullLogger<MeteringLag>.Instance), log);

        var refused = await MeterAsync(metering, Gpu("refused", Ten));

        Assert.Equal((0, 1), (refused.Inserted, refused.Quarantined));
        string warning = Assert.Single(log.Entries, e => e.Message.Contains("lease-77", StringComparison.Ordinal)).Message;
        Assert.Contains("was not released", warning, StringComparison.Ordinal); // before: "is metered without the overlap check"
    }
}
