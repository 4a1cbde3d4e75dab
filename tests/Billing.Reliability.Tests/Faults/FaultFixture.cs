namespace Billing.Reliability.Tests.Faults;

/// <summary>
/// The platform on an Azurite of its own that persists to disk and can be stopped and started again on the same port
/// (<see cref="RestartableAzurite"/>), with one carrier per fault scenario, each with its own key. Partner keys are
/// cached for 10 minutes so ingestion keeps answering while storage is down (metering is what must survive).
/// </summary>
public sealed class FaultFixture : AppHostFixture
{
    public const string FinanceKey = "rel-fault-finance-key-3c7e";
    public const string AzuriteFaultCarrier = "carrier-fault-1";
    public const string AzuriteFaultKey = "rel-fault-1-key-8d0b";
    public const string KillFaultCarrier = "carrier-fault-2";
    public const string KillFaultKey = "rel-fault-2-key-41aa";

    public RestartableAzurite Azurite { get; } = new();

    protected override async Task<string> StartStorageAsync()
    {
        await Azurite.StartAsync();
        return Azurite.ConnectionString;
    }

    protected override Task StopStorageAsync() => Azurite.DisposeAsync().AsTask();

    protected override void Configure(Dictionary<string, string> settings)
    {
        settings["Billing__Partners__CacheTtl"] = "00:10:00";
        PlatformFixture.AddPartners(settings,
        [
            (AzuriteFaultCarrier, "Carrier", AzuriteFaultKey, "carrier-standard-v1"),
            (KillFaultCarrier, "Carrier", KillFaultKey, "carrier-standard-v1"),
            ("finance", "Finance", FinanceKey, null),
        ]);
    }
}

[CollectionDefinition(Name)]
public sealed class FaultCollection : ICollectionFixture<FaultFixture>
{
    public const string Name = "reliability-faults";
}
