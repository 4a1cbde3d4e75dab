namespace Billing.Application.Metering;

/// <summary>Bound from <c>Billing:Metering</c>.</summary>
public sealed class MeteringOptions
{
    public const string Section = "Billing:Metering";

    /// <summary>Age of a batch's oldest event (enqueued to metered) from which metering logs that it lags behind its hub.</summary>
    public TimeSpan LagWarning { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long the hubs keep an event (Azure: <c>eventHubMessageRetentionDays</c>, which the deployment writes here). An
    /// event older than this is gone before metering reads it, so from half of it on a lag is logged as an error.
    /// </summary>
    public TimeSpan HubRetention { get; set; } = TimeSpan.FromDays(7);
}
