namespace Billing.Publishing;

/// <summary>
/// The Event Hub of each <see cref="UsageHub"/>: fixed, because the metering functions' triggers name them in their
/// function.json (<c>eventHubName</c>, which the host reads at indexing, not from the app's settings) and infra/main.bicep
/// creates exactly these. A hub named anywhere else would take events nobody meters; tests hold all three to these names.
/// </summary>
public static class UsageHubNames
{
    public const string CarrierOffload = "carrier-offload";

    public const string ComputeUsage = "compute-usage";

    public const string DeclaredUsage = "declared-usage";

    /// <summary>The hub <paramref name="hub"/>'s events are published to and metered from.</summary>
    public static string Of(UsageHub hub) => hub switch
    {
        UsageHub.CarrierOffload => CarrierOffload,
        UsageHub.ComputeUsage => ComputeUsage,
        UsageHub.DeclaredUsage => DeclaredUsage,
        _ => throw new ArgumentOutOfRangeException(nameof(hub), hub, "not a usage hub"),
    };
}
