using Billing.Application.Metering;
using Billing.Domain.Events;
using Billing.Functions.HostProtocol;
using Billing.Functions.Metering;

namespace Billing.Functions.MeterCarrierOffload;

/// <summary>eventHubTrigger on <c>carrier-offload</c> (cardinality many).</summary>
public sealed class MeterCarrierOffloadFunction(MeteringService metering) : HubMeteringFunction(metering, Hub, EventTypes.CarrierOffloadV1)
{
    public const string Name = "MeterCarrierOffload";
    public const string Hub = "carrier-offload";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) => InvocationEndpoint.Map<MeterCarrierOffloadFunction>(app, Name);
}
