using System.Text.Json;
using Billing.Domain.Events;
using Billing.Functions.HostProtocol;
using Billing.Functions.Metering;

namespace Billing.Functions.MeterComputeUsage;

/// <summary>eventHubTrigger on <c>compute-usage</c> (cardinality many).</summary>
public sealed class MeterComputeUsageFunction(MeteringService metering)
{
    public const string Name = "MeterComputeUsage";
    public const string Hub = "compute-usage";

    public async Task<InvocationResponse> InvokeAsync(InvocationRequest invocation, CancellationToken cancellationToken) =>
        new() { ReturnValue = JsonSerializer.SerializeToNode(await metering.MeterAsync(Hub, EventTypes.ComputeUsageV1, invocation, cancellationToken).ConfigureAwait(false)) };
}
