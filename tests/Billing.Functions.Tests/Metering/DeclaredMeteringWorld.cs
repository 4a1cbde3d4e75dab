using Billing.Application.Metering;
using Billing.Domain.Definitions;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// Metering and closing of one declared type (<c>meters/*.json</c> text) priced by one plan, over fresh Azurite tables,
/// with its partners registered and a clock set to October 2026. <see cref="MeteringUnder"/> meters over the same tables
/// under another text of the plan (the operator changed the plan file). <see cref="ShippedAsync"/> is the default
/// deployment instead: the shipped <c>meters</c> and <c>plans</c>.
/// </summary>
internal sealed record DeclaredMeteringWorld(MeteringService Metering, PeriodCloser Closer, FactStore Facts, QuarantineStore Quarantine, FakeTimeProvider Clock,
    Func<string, MeteringService> MeteringUnder, BillingTables Tables)
{
    public static readonly BillingPeriod October = new(2026, 10);

    /// <summary>Units a provider reports for a tenant, up to 10^15 an event: a month of them can exceed what an invoice holds.</summary>
    public const string HugeUnits = """
        {"type":"test.huge.v1","description":"Units","postedBy":"provider","payer":{"field":"customerId","role":"tenant"},
         "fields":{"customerId":{"type":"string","maxLength":64},"units":{"type":"integer","min":0,"max":1000000000000000}},
         "meters":[{"name":"test.units","description":"Units","aggregation":"SUM","value":"units * 1000","unit":"unit","dimensions":{}}]}
        """;

    /// <summary>Roaming units a carrier reports, paid by the carrier its <c>payerId</c> names: the poster's own role.</summary>
    public const string Roaming = """
        {"type":"test.roam.v1","description":"Roaming","postedBy":"carrier","payer":{"field":"payerId","role":"carrier"},
         "fields":{"payerId":{"type":"string","maxLength":64},"units":{"type":"integer","min":0,"max":1000000}},
         "meters":[{"name":"test.roam","description":"Units","aggregation":"SUM","value":"units","unit":"unit","dimensions":{}}]}
        """;

    /// <summary>1.00 USD a unit of <see cref="HugeUnits"/>: a month may bill (2^53 - 1) minor units, 90,071,992,547,408 units.</summary>
    public static readonly string HugeUnitsPlan = DollarPerUnitPlan("huge-v1", "test.units");

    /// <summary>1.00 USD a unit of <see cref="Roaming"/>.</summary>
    /// <summary>Roaming and the carrier's own offload (a carrier posts both, so its plan prices both).</summary>
    public static readonly string RoamingPlan = """
        {"id":"roam-v1","currency":"USD","meters":[
          {"meter":"test.roam","description":"Units","unit":"unit","price":{"model":"perUnit","unitPrice":"1.00"}},
          {"meter":"offload.bytes","description":"Offload","unit":"GB","divisor":"1000000000","price":{"model":"perUnit","unitPrice":"0.50"}}]}
        """;

    private static string DollarPerUnitPlan(string id, string meter) => $$$"""
        {"id":"{{{id}}}","currency":"USD","meters":[{"meter":"{{{meter}}}","description":"Units","unit":"unit","price":{"model":"perUnit","unitPrice":"1.00"}}]}
        """;

    public static Task<DeclaredMeteringWorld> NewAsync(AzuriteFixture azurite, int shards, string definition, string plan, params Partner[] partners)
    {
        string type = JsonNode.Parse(definition)!["type"]!.GetValue<string>();
        var definitions = EventDefinitions.Load([KeyValuePair.Create(type + ".json", definition)]);
        PlanCatalog Catalog(string text) => new([PlanLoader.Parse(text, "plan.json", definitions.Meters.Dimensions)]);
        return NewAsync(azurite, shards, definitions, Catalog(plan), Catalog, partners);
    }

    /// <summary>The default deployment: the shipped declared types and plans (<see cref="MeteringUnder"/> is not available).</summary>
    public static Task<DeclaredMeteringWorld> ShippedAsync(AzuriteFixture azurite, int shards, params Partner[] partners)
    {
        string app = PlatformFixture.AppDirectory();
        var definitions = BillingFunctionsApp.LoadDefinitions(Path.Combine(app, "meters"));
        var plans = BillingFunctionsApp.LoadPlans(Path.Combine(app, "plans"), definitions.Meters);
        return NewAsync(azurite, shards, definitions, plans, _ => throw new NotSupportedException("the shipped plans only"), partners);
    }

    private static async Task<DeclaredMeteringWorld> NewAsync(AzuriteFixture azurite, int shards, EventDefinitions definitions, PlanCatalog plans, Func<string, PlanCatalog> catalog, Partner[] partners)
    {
        var tables = await azurite.NewTablesAsync(shards);
        var store = new PartnerStore(tables);
        foreach (var partner in partners)
        {
            // Every payer grants the world's posters (providers, and carriers for a carrier-posted type) unless the test says otherwise.
            var registered = partner is { IsPayer: true, Providers.Count: 0 }
                ? partner with { Providers = [.. partners.Where(p => p.Role is PartnerRole.Provider or PartnerRole.Carrier && p.Id != partner.Id).Select(p => p.Id).Order(StringComparer.Ordinal)] }
                : partner;
            await store.UpsertAsync(new PartnerRegistration(registered, $"k-{partner.Id}-000001"), CancellationToken.None);
        }

        var clock = new FakeTimeProvider(October.Start.AddDays(10));
        var directory = new PartnerDirectory(store, Options.Create(new PartnerOptions()), clock, NullLogger<PartnerDirectory>.Instance);
        var facts = new FactStore(tables);
        var quarantine = new QuarantineStore(tables);
        MeteringService Under(PlanCatalog c) =>
            new(new UsageEventValidator(directory, c, definitions), facts, quarantine, directory, clock, new MeteringLag(clock, Options.Create(new MeteringOptions()), NullLogger<MeteringLag>.Instance), NullLogger<MeteringService>.Instance);
        var closer = new PeriodCloser(facts, new InvoiceStore(tables), store, plans, InvoiceFinalization.None, clock,
            Options.Create(new InvoicingOptions()), NullLogger<PeriodCloser>.Instance, definitions.Meters);
        return new DeclaredMeteringWorld(Under(plans), closer, facts, quarantine, clock, text => Under(catalog(text)), tables);
    }

    /// <summary>A CloudEvent of <paramref name="type"/> from <paramref name="source"/> with <paramref name="data"/>.</summary>
    public static string Event(string type, string source, string id, DateTimeOffset time, JsonObject data) => new JsonObject
    {
        ["specversion"] = "1.0",
        ["type"] = type,
        ["source"] = source,
        ["id"] = id,
        ["time"] = time.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["data"] = data,
    }.ToJsonString();

    /// <summary>Meters <paramref name="events"/> as one batch of partition 0, enqueued now, at sequence numbers 0, 1, …</summary>
    public Task<MeteringSummary> MeterAsync(params string[] events) => MeterOnAsync(MeteringHubs.DeclaredUsage, events);

    /// <summary>Meters <paramref name="events"/> as one batch of partition 0 of <paramref name="hub"/>, as <see cref="MeterAsync"/> does.</summary>
    public Task<MeteringSummary> MeterOnAsync(string hub, params string[] events) =>
        Metering.MeterAsync(hub, MeteringHubs.ExpectedType(hub)!,
            new MeteringBatch(events, [.. events.Select(_ => (DateTimeOffset?)Clock.GetUtcNow())], [.. events.Select((_, i) => (long?)i)], "0"), CancellationToken.None);
}
