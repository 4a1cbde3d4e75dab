namespace Billing.Reliability.Tests.Infrastructure;

/// <summary>
/// One carrier and finance on a platform of a test's own: new tables on the given storage, burns never scheduled (no
/// chain). Every start uses the same tables and settings, so a test can stop the platform and start it again.
/// </summary>
public sealed class OneCarrierPlatform
{
    private readonly string connectionString;
    private readonly string tablePrefix = AzuriteFixture.UniquePrefix();
    private readonly Dictionary<string, string> settings;

    public OneCarrierPlatform(string connectionString, string carrier, string carrierKey, string financeKey)
    {
        this.connectionString = connectionString;
        Carrier = carrier;
        CarrierKey = carrierKey;
        FinanceKey = financeKey;
        settings = AppHost.BaseSettings(connectionString, tablePrefix, localnetInfoFile: null);
        settings["Billing__Burns__Schedule"] = "0 0 0 1 1 *";
        PlatformFixture.AddPartners(settings, [(carrier, "Carrier", carrierKey, "carrier-standard-v1"), ("finance", "Finance", financeKey, null)]);
    }

    public string Carrier { get; }

    public string CarrierKey { get; }

    public string FinanceKey { get; }

    /// <param name="configure">Changes DevHost options beyond the settings (data directory, backoff).</param>
    public Task<AppHost> StartAsync(Func<DevHostOptions, DevHostOptions>? configure = null) =>
        AppHost.StartAsync(connectionString, tablePrefix, settings, configure);

    /// <summary>The carrier's accepted events were metered exactly once (<see cref="AppHost.AssertMeteredExactlyOnceAsync"/>).</summary>
    public Task AssertMeteredExactlyOnceAsync(AppHost app, IReadOnlyCollection<GeneratedEvent> accepted) =>
        app.AssertMeteredExactlyOnceAsync(FinanceKey, Carrier, accepted);
}
