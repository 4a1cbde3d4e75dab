namespace Billing.Functions.MeterComputeUsage;

/// <summary>eventHubTrigger on <c>compute-usage</c> (cardinality many).</summary>
public sealed class MeterComputeUsageFunction(MeteringService metering)
    : HubMeteringFunction(metering, MeteringHubs.ComputeUsage), IInvocationFunction
{
    public static string Name => "MeterComputeUsage";
}
