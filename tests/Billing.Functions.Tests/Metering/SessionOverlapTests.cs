using Billing.Application.Metering;
using Billing.Functions.Tests.Invoicing;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// For one (source, session) a carrier's offload windows <c>[startTime, endTime)</c> describe one session over time: an
/// event whose window overlaps (a zero-length one: equals) the window of another event (another id) metered first is the
/// same session sent twice, so it is set aside as <c>overlap</c> and the session billed once (docs/contract.md §3).
/// Interim reports of one session that do not overlap, a redelivery, and other sessions are independent.
/// </summary>
public sealed class SessionOverlapTests(AzuriteFixture azurite) : MeteringTestBase
{
    internal static readonly string Hotspot = SampleEvents.NewHotspot(new Random(7));

    /// <summary>5 TB (50,000,000 DC: 500.00 at the plan's first tier) of session <paramref name="session"/> over <paramref name="minutes"/> up to <paramref name="end"/>.</summary>
    internal static string Offload(string id, DateTimeOffset end, string session = "sess-1", int minutes = 15) =>
        new CarrierEvent(id, Hotspot, 2_000_000_000_000, 3_000_000_000_000, end) { SessionId = session, Duration = TimeSpan.FromMinutes(minutes) }.ToJson().ToJsonString();

    internal static Task<MeteringSummary> MeterAsync(MeteringService metering, params string[] events) =>
        MeterBatchAsync(metering, MeteringHubs.CarrierOffload, EventTypes.CarrierOffloadV1, events);

    internal static Task<IReadOnlyList<QuarantineEntry>> SetAsideAsync(PeriodCloserSetup setup) => SetAsideOfAsync(setup, "carrier-tmo");

    /// <summary>Sessions metered for carrier-tmo in October.</summary>
    internal static async Task<int> SessionsAsync(PeriodCloserSetup setup) =>
        await setup.Facts.QueryAsync("carrier-tmo", October.Start, October.End, Ct).CountAsync();

    /// <summary>The one event set aside is <paramref name="id"/>, an overlap whose reason names each of <paramref name="named"/>; <paramref name="sessions"/> are metered.</summary>
    private static async Task AssertOneOverlapAsync(PeriodCloserSetup setup, string id, int sessions, params string[] named)
    {
        var set = Assert.Single(await SetAsideAsync(setup));
        Assert.Equal((id, QuarantineKind.Overlap), (set.EventId, set.Kind));
        string reason = Assert.Single(set.Reasons);
        Assert.StartsWith("data.startTime: ", reason, StringComparison.Ordinal);
        Assert.All(named, part => Assert.Contains(part, reason, StringComparison.Ordinal));
        Assert.Equal(sessions, await SessionsAsync(setup));
    }

    [Fact]
    public async Task MeterAsync_SameSessionResentUnderANewId_SetAsideAsOverlapAndInvoicedOnce()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();

        var first = await MeterAsync(metering, Offload("sess-1", Ten));
        var resent = await MeterAsync(metering, Offload("0b9e4d1a-retry", Ten)); // a carrier minting a new id per retry
        setup.Clock.SetUtcNow(October.End.AddDays(1));
        var closed = await setup.Closer.CloseAsync(October, force: false, Ct);

        Assert.Equal((1, 0), (first.Inserted, first.Quarantined));
        Assert.Equal((0, 1), (resent.Inserted, resent.Quarantined)); // before: inserted, the session billed twice
        await AssertOneOverlapAsync(setup, "0b9e4d1a-retry", 1, "'sess-1'", "[2026-10-10T09:45:00Z, 2026-10-10T10:00:00Z)",
            "should that event be set aside after all, a replay of this one meters it");
        Assert.Equal(50_000, Assert.Single(closed.Invoices, i => i.Payer == "carrier-tmo").Total.MinorUnits); // 5 TB once
    }

    [Fact]
    public async Task MeterAsync_InterimWindowsOfOneSession_BothMeteredAndAPartialOverlapSetAside()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();

        var interim = await MeterAsync(metering, Offload("sess-1:1", Ten.AddMinutes(-15)), Offload("sess-1:2", Ten)); // [9:30, 9:45) and [9:45, 10:00)
        var partial = await MeterAsync(metering, Offload("sess-1:x", Ten.AddMinutes(5))); // [9:50, 10:05)

        Assert.Equal((2, 0), (interim.Inserted, interim.Quarantined));
        Assert.Equal((0, 1), (partial.Inserted, partial.Quarantined));
        await AssertOneOverlapAsync(setup, "sess-1:x", 2, "'sess-1:2'", "[2026-10-10T09:50:00Z, 2026-10-10T10:05:00Z)", "[2026-10-10T09:45:00Z, 2026-10-10T10:00:00Z)");
    }

    [Fact]
    public async Task MeterAsync_ZeroLengthSessionResentUnderANewId_SetAsideAndAnotherInstantMetered()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();

        var first = await MeterAsync(metering, Offload("empty-1", Ten, minutes: 0));
        var again = await MeterAsync(metering, Offload("empty-2", Ten, minutes: 0), Offload("empty-3", Ten.AddMinutes(1), minutes: 0));

        Assert.Equal((1, 0), (first.Inserted, first.Quarantined));
        Assert.Equal((1, 1), (again.Inserted, again.Quarantined)); // [10:00, 10:00) equals the first's window: the same session
        await AssertOneOverlapAsync(setup, "empty-2", 2, "'empty-1'");
    }

    [Fact]
    public async Task MeterAsync_BatchRedelivered_DuplicatesNotOverlaps()
    {
        var setup = await NewAsync(azurite);
        string[] batch = [Offload("a:1", Ten.AddMinutes(-15)), Offload("a:2", Ten), Offload("b", Ten, session: "sess-2"), Offload("b-retry", Ten, session: "sess-2")];
        var first = await MeterAsync(setup.Metering(), batch);

        var redelivered = await MeterAsync(setup.Metering(), batch);
        var elsewhere = await MeterAsync(setup.Metering(facts: new FactStore(setup.Tables)), batch); // another instance

        Assert.Equal((3, 0, 1), (first.Inserted, first.Duplicates, first.Quarantined)); // b-retry overlaps b, earlier in the batch
        Assert.Equal((0, 3, 1), (redelivered.Inserted, redelivered.Duplicates, redelivered.Quarantined));
        Assert.Equal((0, 3, 1), (elsewhere.Inserted, elsewhere.Duplicates, elsewhere.Quarantined));
        var set = Assert.Single(await SetAsideAsync(setup)); // the same row, three deliveries
        Assert.Equal(("b-retry", QuarantineKind.Overlap, 3), (set.EventId, set.Kind, set.Deliveries));
        Assert.Equal(3, await SessionsAsync(setup));
    }

    [Fact]
    public async Task MeterAsync_TwoInstancesMeterOneSessionUnderTwoIdsAtOnce_ExactlyOneMetered()
    {
        var setup = await NewAsync(azurite);
        var one = setup.Metering(facts: new FactStore(setup.Tables));
        var other = setup.Metering(facts: new FactStore(setup.Tables)); // another host: its own clients and caches
        const int Sessions = 6;

        var summaries = await Task.WhenAll(Enumerable.Range(0, Sessions).SelectMany(n => new[]
        {
            MeterAsync(one, Offload($"one-{n}", Ten, session: $"race-{n}")),
            MeterAsync(other, Offload($"other-{n}", Ten.AddMinutes(5), session: $"race-{n}")),
        }));

        Assert.Equal((Sessions, Sessions), (summaries.Sum(s => s.Inserted), summaries.Sum(s => s.Quarantined))); // before: every event metered
        var set = await SetAsideAsync(setup);
        Assert.All(set, e => Assert.Equal(QuarantineKind.Overlap, e.Kind));
        Assert.Equal(Sessions, set.Select(e => e.EventId!.Split('-')[1]).Distinct().Count()); // one a session
        Assert.Equal(Sessions, await SessionsAsync(setup));
    }

    [Fact]
    public async Task MeterAsync_ClaimedEventSetAsideAsInvalidOnRedelivery_ReleasesItsSessionForAResend()
    {
        var setup = await NewAsync(azurite);
        // The fact rows of carrier-tmo fail transiently after the event claimed its session: the batch fails.
        var (faulty, _) = RefusingTables.Create(azurite.ConnectionString, setup.Tables, "\"PartitionKey\":\"carrier-tmo|0", status: 503);
        await Assert.ThrowsAnyAsync<RequestFailedException>(() => MeterAsync(setup.Metering(facts: new FactStore(faulty)), Offload("first-try", Ten)));
        // Between tries the carrier's plan changed to one that prices no offload: the redelivery is set aside as invalid.
        await SetPlanAsync(setup, "compute-standard-v1");
        var redelivered = await MeterAsync(setup.Metering(), Offload("first-try", Ten));
        await SetPlanAsync(setup, "carrier-standard-v1");
        var resent = await MeterAsync(setup.Metering(), Offload("resent", Ten));

        Assert.Equal((0, 1), (redelivered.Inserted, redelivered.Quarantined));
        Assert.Equal((1, 0), (resent.Inserted, resent.Quarantined)); // not set aside as overlapping first-try, billed nowhere
        var set = Assert.Single(await SetAsideAsync(setup));
        Assert.Equal(("first-try", QuarantineKind.Invalid), (set.EventId, set.Kind));
        Assert.Equal(1, await SessionsAsync(setup));
    }

    [Fact]
    public async Task ReplayAsync_OverlapOnceTheFirstIsSetAside_Metered()
    {
        var setup = await NewAsync(azurite);
        var (faulty, _) = RefusingTables.Create(azurite.ConnectionString, setup.Tables, "\"PartitionKey\":\"carrier-tmo|0", status: 503);
        await Assert.ThrowsAnyAsync<RequestFailedException>(() => MeterAsync(setup.Metering(facts: new FactStore(faulty)), Offload("first", Ten)));
        var second = await MeterAsync(setup.Metering(), Offload("second", Ten.AddMinutes(5))); // the first holds the session
        var entry = Assert.Single(await SetAsideAsync(setup));
        var whileHeld = await setup.Replayer(setup.Metering()).ReplayAsync(entry.Id, "finance", Ct);
        await SetPlanAsync(setup, "compute-standard-v1");
        await MeterAsync(setup.Metering(), Offload("first", Ten)); // its redelivery is set aside as invalid: it releases the session
        await SetPlanAsync(setup, "carrier-standard-v1");

        var replayed = await setup.Replayer(setup.Metering()).ReplayAsync(entry.Id, "finance", Ct);

        Assert.Equal((0, 1), (second.Inserted, second.Quarantined));
        Assert.Equal(ReplayOutcome.Overlap, whileHeld!.Outcome);
        Assert.Equal("data.startTime", Assert.Single(whileHeld.Reasons).Field);
        Assert.Equal(ReplayOutcome.Metered, replayed!.Outcome);
        Assert.Equal(1, await SessionsAsync(setup));
    }

    [Fact]
    public async Task MeterAsync_SameIdResentWithOtherContent_ConflictAndTheFirstKeepsItsSession()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();
        await MeterAsync(metering, Offload("sess-1", Ten));
        string changed = new CarrierEvent("sess-1", Hotspot, 1, 1, Ten).ToJson().ToJsonString(); // same id and window, other bytes

        var conflict = await MeterAsync(metering, changed);
        var retry = await MeterAsync(metering, Offload("0b9e4d1a-retry", Ten));

        Assert.Equal((0, 1), (conflict.Inserted, conflict.Quarantined));
        Assert.Equal((0, 1), (retry.Inserted, retry.Quarantined)); // the conflict released nothing: the first's window still counts
        var set = await SetAsideAsync(setup);
        Assert.Equal([("0b9e4d1a-retry", QuarantineKind.Overlap), ("sess-1", QuarantineKind.Conflict)], set.Select(e => (e.EventId!, e.Kind)).Order().ToArray());
        Assert.Equal(1, await SessionsAsync(setup));
    }

    [Fact]
    public async Task MeterAsync_OtherVersionOfAnIdWhileTheBlindClaimsPartlyCommit_ReleasesTheSessionItClaimed()
    {
        var setup = await NewAsync(azurite);
        var metering = setup.Metering();
        await MeterAsync(metering, Offload("evt-a", Ten, session: "a-first"), Offload("evt-z", Ten, session: "z-last"));

        // One batch: evt-a again as another session (its stored version counts: a conflict), 100 new sessions and an interim
        // report of z-last. The blind try's first transaction (a-second and 99 new sessions, in row order) commits; its
        // second meets z-last's row (409), so the group reads and decides again, finding a-second claimed by evt-a.
        string[] batch =
        [
            Offload("evt-a", Ten, session: "a-second"),
            .. Enumerable.Range(0, 100).Select(i => Offload($"evt-m{i:D3}", Ten, session: $"m-{i:D3}")),
            Offload("evt-z2", Ten.AddMinutes(15), session: "z-last"),
        ];
        var summary = await MeterAsync(metering, batch);
        var other = await MeterAsync(metering, Offload("evt-b", Ten, session: "a-second"));

        Assert.Equal((101, 1), (summary.Inserted, summary.Quarantined));
        Assert.Equal((1, 0), (other.Inserted, other.Quarantined)); // before: set aside, overlapping the claim evt-a's other version left, which nobody billed
        Assert.Equal([("evt-a", QuarantineKind.Conflict)], (await SetAsideAsync(setup)).Select(e => (e.EventId!, e.Kind)).ToArray());
    }

    [Fact]
    public async Task MeterAsync_SameSessionIdFromAnotherCarrierOrAnotherSession_AllMetered()
    {
        var setup = await NewAsync(azurite);
        string otherCarrier = new CarrierEvent("x", Hotspot, 1, 1, Ten) { SessionId = "sess-1" }.ToJson().ToJsonString().Replace("\"carrier-tmo\"", "\"carrier-idle\"", StringComparison.Ordinal);

        var summary = await MeterAsync(setup.Metering(), Offload("a", Ten), Offload("b", Ten, session: "sess-2"), otherCarrier);

        Assert.Equal((3, 0), (summary.Inserted, summary.Quarantined));
    }

    private static Task SetPlanAsync(PeriodCloserSetup setup, string plan) =>
        setup.Partners.UpsertAsync(new PartnerRegistration(new Partner("carrier-tmo", PartnerRole.Carrier, plan), "k-carrier-tmo-0001"), Ct);
}
