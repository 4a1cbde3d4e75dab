using Billing.Application.Metering;
using Billing.Domain.Events;
using Billing.Functions.HostProtocol;
using Billing.Functions.Metering;

namespace Billing.Functions.MeterComputeUsage;

/// <summary>eventHubTrigger on <c>compute-usage</c> (cardinality many).</summary>
public sealed class MeterComputeUsageFunction(MeteringService metering) : HubMeteringFunction(metering, Hub, EventTypes.ComputeUsageV1)
{
    public const string Name = "MeterComputeUsage";
    public const string Hub = "compute-usage";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) => InvocationEndpoint.Map<MeterComputeUsageFunction>(app, Name);
}
