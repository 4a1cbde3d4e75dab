namespace Billing.Functions.Tests.Metering;

/// <summary>
/// The platform's rule, attacked with a seeded fuzz over every shipped event type: any event ingestion accepts must be
/// stored and billable; a deterministic problem is quarantined with a reason, never a failed batch; no event blocks
/// others. Events are built at the edges the validators allow (<see cref="HostileEvents"/>); each accepted one is metered
/// on Azurite, read back, and closed in its month (a month boundary, then a year boundary, with late usage between).
/// <c>BILLING_FUZZ_SEED</c> runs another seed.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class AcceptedEventsFuzzTests(AzuriteFixture azurite, Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly int Seed = int.TryParse(Environment.GetEnvironmentVariable("BILLING_FUZZ_SEED"), out int seed) ? seed : 20_261_101;
    private const int CasesPerEra = 150;

    /// <summary>Ingestion's clock for each round: an hour after a month boundary, then an hour after a year boundary.</summary>
    private static readonly DateTimeOffset[] Eras = [new(2026, 11, 1, 1, 0, 0, TimeSpan.Zero), new(2027, 1, 1, 1, 0, 0, TimeSpan.Zero)];

    [Fact]
    public async Task MeterAndClose_SeededHostileEventsOfEveryType_EachAcceptedOneStoredAndBilled()
    {
        var text = new HostileText(new Random(Seed));
        var world = await FuzzWorld.NewAsync(azurite, new FuzzPartners(text), Eras[0]);
        int generated = 0, acceptedCount = 0;
        var acceptedByType = new Dictionary<string, int>(StringComparer.Ordinal);
        var closed = new HashSet<BillingPeriod>();
        var all = new List<FuzzWorld.Accepted>();
        foreach (var now in Eras)
        {
            world.Clock.SetUtcNow(now);
            var events = new HostileEvents(text, world.Partners, now);
            var accepted = new List<FuzzWorld.Accepted>();
            for (int i = 0; i < CasesPerEra; i++, generated++)
            {
                if (world.Accept(events.Next(generated, HostileEvents.Types[generated % HostileEvents.Types.Length])) is { } a)
                {
                    accepted.Add(a);
                    acceptedByType[a.Case.Type] = acceptedByType.GetValueOrDefault(a.Case.Type) + 1;
                }
            }

            acceptedCount += accepted.Count;
            var summaries = await world.MeterAsync(accepted, batchSize: 7);
            // The hub redelivers some (at least once): each is a duplicate, never new usage, never set aside.
            var redelivered = await world.MeterAsync([.. accepted.Where((_, i) => i % 10 == 3)], batchSize: 7);
            Assert.Equal((accepted.Where((_, i) => i % 10 == 3).Count(), 0, 0), (redelivered.Sum(s => s.Duplicates), redelivered.Sum(s => s.Inserted), redelivered.Sum(s => s.Quarantined)));
            all.AddRange(accepted);
            await world.VerifyStoredAsync(all); // the second round's late usage lands in a month of the first

            // The months the round's events fell in, closed once they ended (the first round's month boundary, then the
            // year boundary, whose December close also bills the round's late November usage as an adjustment).
            var current = BillingPeriod.Containing(now);
            world.Clock.SetUtcNow(current.End.AddHours(1));
            var months = accepted.Select(a => BillingPeriod.Containing(a.Fact.Time)).Append(current).Where(m => !closed.Contains(m)).Distinct().Order().ToList();
            await world.CloseAsync(months, accepted);
            closed.UnionWith(months);
            Assert.Equal(accepted.Count, summaries.Sum(s => s.Received) - world.Findings.Count(f => f.Contains(" alone threw ", StringComparison.Ordinal)));
        }

        output.WriteLine($"{acceptedCount} of {generated} accepted: {string.Join(", ", acceptedByType.Select(t => $"{t.Key} {t.Value}"))}; refused for:");
        foreach (var (reason, count) in world.Refusals)
        {
            output.WriteLine($"{count,5} {reason}");
        }

        Assert.True(all.Count(a => a.Body.Length > 30_000) >= 2, "no accepted event spans two raw parts"); // FactStore.MaxRawChars

        // Enough of every type got through for the fuzz to mean something (the rest were refused, as they should be).
        Assert.All(HostileEvents.Types, t => Assert.True(acceptedByType.GetValueOrDefault(t) >= 10, $"{t}: only {acceptedByType.GetValueOrDefault(t)} accepted"));
        Assert.True(world.Findings.Count == 0, $"{acceptedCount} of {generated} events accepted; findings:\n" + string.Join("\n", world.Findings));
    }

    [Fact]
    public async Task MeterAsync_BatchMixingOneHostileAcceptedEventWithNormalOnes_MetersTheNormalOnes()
    {
        var now = Eras[0];
        var text = new HostileText(new Random(Seed + 1));
        var world = await FuzzWorld.NewAsync(azurite, new FuzzPartners(text), now);
        var events = new HostileEvents(text, world.Partners, now);
        int number = 0;
        foreach (string type in HostileEvents.Types)
        {
            // The first accepted event of the type from a hostile partner, then three plain ones on the same hub.
            FuzzWorld.Accepted? hostile = null;
            while (hostile is null || hostile.Case.Poster.Id.Length < EventLimits.MaxIdLength && number % 50 != 49)
            {
                hostile = world.Accept(events.Next(number++, type)) ?? hostile;
            }

            var normal = Enumerable.Range(0, 3).Select(_ => world.Accept(events.Next(number++, type, hostile: false)) ?? throw new InvalidOperationException("a plain event was refused: " + string.Join("; ", world.Refusals.Keys))).ToList();
            var summary = Assert.Single(await world.MeterAsync([hostile, .. normal], batchSize: 10));

            Assert.Equal(4, summary.Received);
            Assert.True(summary.Inserted >= 3, $"{type}: {summary.Inserted} inserted, {summary.Quarantined} quarantined");
            await world.VerifyStoredAsync([hostile, .. normal]);
        }

        Assert.True(world.Findings.Count == 0, string.Join("\n", world.Findings));
    }
}
