namespace Billing.Application.Metering;

/// <summary>
/// The hubs metering reads and the event type each carries: the metering functions are bound to them, and a quarantined
/// event names its hub, so a replay meets the hub's type rule as it did when it arrived.
/// </summary>
public static class MeteringHubs
{
    public const string CarrierOffload = "carrier-offload";
    public const string ComputeUsage = "compute-usage";
    public const string DeclaredUsage = "declared-usage";

    /// <summary>The <c>expectedType</c> of <see cref="MeteringService.MeterAsync"/> for <paramref name="hub"/>; null for a hub metering does not read.</summary>
    public static string? ExpectedType(string? hub) => hub switch
    {
        CarrierOffload => EventTypes.CarrierOffloadV1,
        ComputeUsage => EventTypes.ComputeUsageV1,
        DeclaredUsage => MeteringService.DeclaredTypes,
        _ => null,
    };
}
