namespace Billing.Functions.Tests.Metering;

/// <summary>
/// The partners of the accepted-events fuzz: for each role and plan a plain one and one whose id is as hostile as a
/// seeded partner id may be (1-128 printable characters without '|': every character a table key escapes, astral and
/// RTL letters, U+FFFF; 64 at most where a declared type's payer field allows no more).
/// </summary>
internal sealed class FuzzPartners
{
    private readonly Dictionary<string, (Partner Plain, Partner Hostile)> tenants = new(StringComparer.Ordinal);
    private readonly (Partner Plain, Partner Hostile) carriers;
    private readonly (Partner Plain, Partner Hostile) providers;

    public FuzzPartners(HostileText text)
    {
        carriers = (new Partner("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1"),
            new Partner(SeedableId(text, "c", EventLimits.MaxIdLength), PartnerRole.Carrier, "carrier-standard-v1"));
        providers = (new Partner("provider-nodeops", PartnerRole.Provider, null), new Partner(SeedableId(text, "p", EventLimits.MaxIdLength), PartnerRole.Provider, null));
        foreach (var (type, plan, max) in new[]
        {
            (EventTypes.ComputeUsageV1, "compute-standard-v1", EventLimits.MaxIdLength),
            (HostileEvents.Bandwidth, "bandwidth-standard-v1", 64),
            (HostileEvents.Mapping, "mapping-standard-v1", 64),
            (HostileEvents.Render, "render-standard-v1", 64),
            (HostileEvents.Inference, "inference-standard-v1", 64),
        })
        {
            IReadOnlyList<string> granted = [.. new[] { providers.Plain.Id, providers.Hostile.Id }.Order(StringComparer.Ordinal)];
            tenants[type] = (new Partner("tenant-" + plan.Split('-')[0], PartnerRole.Tenant, plan) { Providers = granted }, new Partner(SeedableId(text, "t", max), PartnerRole.Tenant, plan) { Providers = granted });
        }
    }

    /// <summary>A hostile id the settings accept (<see cref="PartnerOptionsValidator"/>: printable, no '|', short enough once escaped).</summary>
    private static string SeedableId(HostileText text, string prefix, int length)
    {
        var validator = new PartnerOptionsValidator();
        while (true)
        {
            string id = text.PartnerId(prefix, length);
            var seed = new PartnerSeed { Id = id, Role = PartnerRole.Carrier, ApiKey = "fuzz-key-000000", PlanId = "carrier-standard-v1" };
            if (validator.Validate(null, new PartnerOptions { Items = [seed] }).Succeeded)
            {
                return id;
            }
        }
    }

    public IEnumerable<Partner> All =>
        [carriers.Plain, carriers.Hostile, providers.Plain, providers.Hostile, .. tenants.Values.SelectMany(t => new[] { t.Plain, t.Hostile })];

    public Partner Carrier(bool hostile) => hostile ? carriers.Hostile : carriers.Plain;

    public Partner Provider(bool hostile) => hostile ? providers.Hostile : providers.Plain;

    /// <summary>The tenant paying for <paramref name="type"/> (a plan prices one type's meters).</summary>
    public Partner Tenant(string type, bool hostile) => hostile ? tenants[type].Hostile : tenants[type].Plain;

    public async Task RegisterAsync(PartnerStore store)
    {
        int n = 0;
        foreach (var partner in All)
        {
            await store.UpsertAsync(new PartnerRegistration(partner, $"fuzz-key-{n++:D4}-secret"), CancellationToken.None);
        }
    }
}
