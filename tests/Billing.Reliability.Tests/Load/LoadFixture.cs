namespace Billing.Reliability.Tests.Load;

/// <summary>
/// The platform with eight load carriers <c>carrier-load-1..8</c>, each with its own key, on the test run's in-memory
/// Azurite (<see cref="AppHostFixture"/>). Not the persistent one of the fault tests: Azurite's file persistence writes
/// its whole database again every 5 s while it changes (LokiJS autosave), which more than doubled the emulator's CPU under this load (197 s against
/// 92 s for the same 47,600 events) and made the drain a measure of the emulator's disk format. The load test checks
/// exactness under concurrency; durability across an outage is <c>Faults/StorageAndCrashFaultTests</c>' job.
/// </summary>
public sealed class LoadFixture : AppHostFixture
{
    public const string FinanceKey = "rel-finance-key-0123456789";
    public const int LoadCarriers = 8;

    public static string CarrierId(int i) => $"carrier-load-{i}";

    public static string CarrierKey(int i) => $"rel-load-key-{i}-6f1c2a";

    protected override void Configure(Dictionary<string, string> settings)
    {
        var partners = Enumerable.Range(1, LoadCarriers).Select(i => (CarrierId(i), "Carrier", CarrierKey(i), (string?)"carrier-standard-v1")).ToList();
        partners.Add(("finance", "Finance", FinanceKey, null));
        PlatformFixture.AddPartners(settings, partners);
    }
}

[CollectionDefinition(Name)]
public sealed class LoadCollection : ICollectionFixture<LoadFixture>
{
    public const string Name = "reliability-load";
}
