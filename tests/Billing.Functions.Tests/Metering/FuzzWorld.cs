using Billing.Application.Ingestion;
using Billing.Application.Metering;
using Billing.Application.Usage;
using Billing.Domain.Definitions;
using Billing.Publishing;
using Billing.Tests.Shared;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// The platform as the accepted-events fuzz drives it, on Azurite with a fixed clock: ingestion's validation, metering of
/// what it accepts, the stored facts and usage read back, and the period close with its ledger booking. Each step
/// collects findings (what breaks the platform's rule) instead of stopping at the first.
/// </summary>
internal sealed class FuzzWorld
{
    private static readonly Dictionary<string, string> Headers = new(StringComparer.OrdinalIgnoreCase) { ["Content-Type"] = "application/cloudevents+json" };

    /// <summary>An event ingestion accepted: its case, the hub it was published to, the published text, and its fact.</summary>
    public sealed record Accepted(HostileEvents.Case Case, string Hub, string Body, UsageFact Fact);

    private FuzzWorld(BillingTables tables, FakeTimeProvider clock, FuzzPartners partners)
    {
        Tables = tables;
        Clock = clock;
        Partners = partners;
        string app = PlatformFixture.AppDirectory();
        Definitions = BillingFunctionsApp.LoadDefinitions(Path.Combine(app, "meters"));
        Plans = BillingFunctionsApp.LoadPlans(Path.Combine(app, "plans"), Definitions.Meters);
        Store = new PartnerStore(tables);
        Directory = new PartnerDirectory(Store, Options.Create(new PartnerOptions()), clock, NullLogger<PartnerDirectory>.Instance);
        Validator = new UsageEventValidator(Directory, Plans, Definitions);
        Facts = new FactStore(tables);
        Quarantine = new QuarantineStore(tables);
        Ingestion = new UsageIngestion(Validator, new UsagePartitioner([], Facts.Shards), new NoPublisher(), clock);
        Metering = new MeteringService(Validator, Facts, Quarantine, Directory, clock, new MeteringLag(clock, Options.Create(new MeteringOptions()), NullLogger<MeteringLag>.Instance), NullLogger<MeteringService>.Instance);
        Ledger = new LedgerStore(tables, TestSeals.Keys);
        Closer = new PeriodCloser(Facts, new InvoiceStore(tables), Store, Plans, new InvoiceFinalization(new LedgerRecorder(Ledger, Store, clock), new Invoicing.SkippedFinalizationStep()),
            clock, Options.Create(new InvoicingOptions()), NullLogger<PeriodCloser>.Instance, Definitions.Meters);
    }

    public BillingTables Tables { get; }

    public FakeTimeProvider Clock { get; }

    public FuzzPartners Partners { get; }

    public EventDefinitions Definitions { get; }

    public PlanCatalog Plans { get; }

    public PartnerStore Store { get; }

    public PartnerDirectory Directory { get; }

    public UsageEventValidator Validator { get; }

    public FactStore Facts { get; }

    public QuarantineStore Quarantine { get; }

    public UsageIngestion Ingestion { get; }

    public MeteringService Metering { get; }

    public LedgerStore Ledger { get; }

    public PeriodCloser Closer { get; }

    public List<string> Findings { get; } = [];

    /// <summary>Why ingestion refused the events it refused: field and reason → how many (so a seed that tests nothing shows).</summary>
    public SortedDictionary<string, int> Refusals { get; } = new(StringComparer.Ordinal);

    public static async Task<FuzzWorld> NewAsync(AzuriteFixture azurite, FuzzPartners partners, DateTimeOffset now)
    {
        var world = new FuzzWorld(await azurite.NewTablesAsync(), new FakeTimeProvider(now), partners);
        await world.Ledger.EnsureCreatedAsync(CancellationToken.None);
        await partners.RegisterAsync(world.Store);
        await world.Directory.RefreshAsync(CancellationToken.None);
        return world;
    }

    /// <summary>The event as ingestion sees it (posted by its source, validated now); null when refused.</summary>
    public Accepted? Accept(HostileEvents.Case c)
    {
        var outcome = Ingestion.Validate(c.Poster, Headers, Encoding.UTF8.GetBytes(c.Json));
        if (outcome.Accepted == 0)
        {
            var errors = outcome.Rejected.SelectMany(r => r.Errors).Concat(outcome.Refusal?.Errors ?? []).Select(e => $"{e.Field}: {e.Reason}").DefaultIfEmpty(outcome.Refusal?.Detail ?? "?");
            foreach (string error in errors.Distinct())
            {
                string key = error.Length > 90 ? error[..90] : error;
                Refusals[key] = Refusals.GetValueOrDefault(key) + 1;
            }

            return null;
        }

        var published = Assert.Single(outcome.Published);
        string body = Encoding.UTF8.GetString(published.Body.Span);
        var fact = Validator.Validate(published.Body.Span, new ValidationContext(Clock.GetUtcNow(), c.Poster.Id)).Fact;
        string hub = published.Hub switch
        {
            UsageHub.CarrierOffload => MeteringHubs.CarrierOffload,
            UsageHub.ComputeUsage => MeteringHubs.ComputeUsage,
            _ => MeteringHubs.DeclaredUsage,
        };
        if (fact is null)
        {
            Findings.Add($"case {c.Number}: ingestion accepted it, the validator alone refuses the published text");
            return null;
        }

        return new Accepted(c, hub, body, fact);
    }

    /// <summary>Meters the events hub by hub in batches of <paramref name="batchSize"/>, enqueued two seconds from now; a batch that throws is metered event by event to name the culprit.</summary>
    public async Task<MeteringSummary[]> MeterAsync(IReadOnlyList<Accepted> accepted, int batchSize)
    {
        var summaries = new List<MeteringSummary>();
        var enqueued = Clock.GetUtcNow().AddSeconds(2);
        foreach (var hub in accepted.GroupBy(a => a.Hub))
        {
            foreach (var chunk in hub.Chunk(batchSize))
            {
                try
                {
                    summaries.Add(await MeterBatchAsync(hub.Key, chunk, enqueued));
                }
                catch (Exception ex)
                {
                    Findings.Add($"a batch of {chunk.Length} on {hub.Key} threw {ex.GetType().Name}: {ex.Message}");
                    foreach (var one in chunk)
                    {
                        try
                        {
                            summaries.Add(await MeterBatchAsync(hub.Key, [one], enqueued));
                        }
                        catch (Exception single)
                        {
                            Findings.Add($"case {one.Case.Number} ({one.Case.Type}) alone threw {single.GetType().Name}: {single.Message}");
                        }
                    }
                }
            }
        }

        return [.. summaries];
    }

    private Task<MeteringSummary> MeterBatchAsync(string hub, IReadOnlyList<Accepted> events, DateTimeOffset enqueued) =>
        Metering.MeterAsync(hub, MeteringHubs.ExpectedType(hub)!, new MeteringBatch(
            [.. events.Select(e => e.Body)], [.. events.Select(_ => (DateTimeOffset?)enqueued)], [.. events.Select((_, i) => (long?)i)], "0"), CancellationToken.None);

    /// <summary>
    /// Every accepted event is a stored fact of its payer and month (else a finding, with the quarantine's reasons), and the
    /// usage the close reads (rollups, unique markers) equals what the facts of each priced meter add up to.
    /// </summary>
    public async Task VerifyStoredAsync(IReadOnlyList<Accepted> accepted)
    {
        var reader = new UsageReader(Facts);
        foreach (var group in accepted.GroupBy(a => (a.Fact.Payer, Month: BillingPeriod.Containing(a.Fact.Time))))
        {
            var (payer, month) = group.Key;
            var stored = new HashSet<(string, string)>();
            await foreach (var fact in Facts.QueryAsync(payer, month.Start, month.End, CancellationToken.None))
            {
                stored.Add((fact.Source, fact.Id));
            }

            var missing = group.Where(a => !stored.Contains((a.Fact.Source, a.Fact.Id))).ToList();
            foreach (var a in missing)
            {
                var set = (await Quarantine.ListAsync(a.Fact.Source, CancellationToken.None)).Where(q => q.EventId == a.Fact.Id).SelectMany(q => q.Reasons);
                Findings.Add($"case {a.Case.Number} ({a.Case.Type}) accepted but not stored; quarantine: [{string.Join("; ", set)}]");
            }

            var plan = Plans.Get(Directory.Find(payer)!.PlanFor(month)!);
            foreach (var pricing in plan.Meters)
            {
                var meter = Definitions.Meters.Find(pricing.Meter)!;
                var metered = group.Where(a => stored.Contains((a.Fact.Source, a.Fact.Id))).Select(a => a.Fact).ToList();
                Int128 expected = meter.Aggregation == Aggregation.UniqueCount
                    ? metered.Select(f => f.Reading(meter.Name)?.Distinct).OfType<string>().Distinct(StringComparer.Ordinal).Count()
                    : metered.Aggregate(Int128.Zero, (sum, f) => sum + (f.Quantity(meter.Name) ?? 0));
                try
                {
                    var rows = await reader.ReadAsync(payer, meter, UsageWindow.Month, month.Start, month.End, [], null, CancellationToken.None);
                    Int128 actual = rows.Aggregate(Int128.Zero, (sum, r) => sum + r.Quantity);
                    if (actual != expected)
                    {
                        Findings.Add($"{Show(payer)} {month} {meter.Name}: usage reads {actual}, the facts add up to {expected}");
                    }
                }
                catch (Exception ex)
                {
                    Findings.Add($"{Show(payer)} {month} {meter.Name}: reading usage threw {ex.GetType().Name}: {ex.Message}");
                }
            }
        }
    }

    /// <summary>Closes each month: no exception, no payer failed, an invoice for each payer with usage in it, booked in the ledger.</summary>
    public async Task CloseAsync(IEnumerable<BillingPeriod> months, IReadOnlyList<Accepted> meteredBeforeClose)
    {
        foreach (var month in months)
        {
            PeriodCloseResult result;
            try
            {
                result = await Closer.CloseAsync(month, force: false, CancellationToken.None);
            }
            catch (Exception ex)
            {
                Findings.Add($"close of {month} threw {ex.GetType().Name}: {ex.Message}");
                continue;
            }

            foreach (var (payer, reason) in result.Failed)
            {
                Findings.Add($"close of {month}: payer {Show(payer)} failed: {reason}");
            }

            // Usage a plan prices (0 bytes offloaded make no invoice, and need none).
            bool Priced(UsageFact f) => Plans.Get(Directory.Find(f.Payer)!.PlanFor(month)!).Meters.Any(p => f.Quantity(p.Meter) > 0 || f.Reading(p.Meter)?.Distinct is not null);
            var payersWithUsage = meteredBeforeClose.Where(a => month.Contains(a.Fact.Time) && Priced(a.Fact)).Select(a => a.Fact.Payer).Distinct(StringComparer.Ordinal);
            foreach (string payer in payersWithUsage.Where(p => !result.Failed.ContainsKey(p)))
            {
                if (result.Invoices.FirstOrDefault(i => i.Payer == payer) is not { } invoice)
                {
                    Findings.Add($"close of {month}: no invoice for {Show(payer)}, which has priced usage");
                    continue;
                }

                if (LedgerEntries.InvoiceFinalized(invoice, Clock.GetUtcNow()) is not null
                    && await Ledger.GetAsync(LedgerEntries.InvoiceFinalizedId(invoice.Id.ToString()), CancellationToken.None) is null)
                {
                    Findings.Add($"close of {month}: invoice {invoice.Id} of {Show(payer)} is not booked in the ledger");
                }
            }
        }
    }

    /// <summary>A payer id in a finding: plain ones as they are, hostile ones shortened and spelled out.</summary>
    public static string Show(string id) => id.Length <= 24 && id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
        ? id
        : JsonSerializer.Serialize(id.Length <= 24 ? id : id[..24] + "…");

    private sealed class NoPublisher : IUsagePublisher
    {
        public Task PublishAsync(IReadOnlyList<PublishedUsage> events, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
