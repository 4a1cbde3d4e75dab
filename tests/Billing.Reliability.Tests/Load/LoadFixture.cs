
namespace Billing.Reliability.Tests.Load;

/// <summary>
/// The platform on an Azurite of its own (persistent, restartable on the same port) with eight load carriers
/// <c>carrier-load-1..8</c> and two carriers for the fault scenarios, each with its own key.
/// Partner keys are cached for 10 minutes so ingestion keeps answering while storage is down (metering is what must survive).
/// </summary>
public sealed class LoadFixture : AppHostFixture
{
    public const string FinanceKey = "rel-finance-key-0123456789";
    public const int LoadCarriers = 8;

    public RestartableAzurite Azurite { get; } = new();

    public static string CarrierId(int i) => $"carrier-load-{i}";

    public static string CarrierKey(int i) => $"rel-load-key-{i}-6f1c2a";

    public const string AzuriteFaultCarrier = "carrier-fault-1";
    public const string AzuriteFaultKey = "rel-fault-1-key-8d0b";
    public const string KillFaultCarrier = "carrier-fault-2";
    public const string KillFaultKey = "rel-fault-2-key-41aa";

    protected override async Task<string> StartStorageAsync()
    {
        await Azurite.StartAsync();
        return Azurite.ConnectionString;
    }

    protected override Task StopStorageAsync() => Azurite.DisposeAsync().AsTask();

    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Billing__Partners__CacheTtl"] = "00:10:00";
        var partners = Enumerable.Range(1, LoadCarriers).Select(i => (CarrierId(i), "Carrier", CarrierKey(i), (string?)"carrier-standard-v1")).ToList();
        partners.Add((AzuriteFaultCarrier, "Carrier", AzuriteFaultKey, "carrier-standard-v1"));
        partners.Add((KillFaultCarrier, "Carrier", KillFaultKey, "carrier-standard-v1"));
        partners.Add(("finance", "Finance", FinanceKey, null));
        PlatformFixture.AddPartners(settings, partners);
    }
}

[CollectionDefinition(Name)]
public sealed class LoadCollection : ICollectionFixture<LoadFixture>
{
    public const string Name = "reliability-load";
}
