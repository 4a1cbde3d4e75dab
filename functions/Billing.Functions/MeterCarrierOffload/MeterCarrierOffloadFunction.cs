namespace Billing.Functions.MeterCarrierOffload;

/// <summary>eventHubTrigger on <c>carrier-offload</c> (cardinality many).</summary>
public sealed class MeterCarrierOffloadFunction(MeteringService metering)
    : HubMeteringFunction(metering, MeteringHubs.CarrierOffload), IInvocationFunction
{
    public static string Name => "MeterCarrierOffload";
}
