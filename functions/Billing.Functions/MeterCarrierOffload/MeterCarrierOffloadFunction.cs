using System.Text.Json;
using Billing.Domain.Events;
using Billing.Functions.HostProtocol;
using Billing.Functions.Metering;

namespace Billing.Functions.MeterCarrierOffload;

/// <summary>eventHubTrigger on <c>carrier-offload</c> (cardinality many).</summary>
public sealed class MeterCarrierOffloadFunction(MeteringService metering)
{
    public const string Name = "MeterCarrierOffload";
    public const string Hub = "carrier-offload";

    public async Task<InvocationResponse> InvokeAsync(InvocationRequest invocation, CancellationToken cancellationToken) =>
        new() { ReturnValue = JsonSerializer.SerializeToNode(await metering.MeterAsync(Hub, EventTypes.CarrierOffloadV1, invocation, cancellationToken).ConfigureAwait(false)) };
}
