namespace Billing.Functions.Metering;

/// <summary>
/// The adapter the eventHubTrigger functions share: the invocation's batch is metered for one hub and event type, and
/// the summary is the function's return value. Each function folder names its hub (<see cref="MeteringHubs"/> knows its
/// type) and is the <see cref="IInvocationFunction"/> with its static <c>Name</c> (an abstract class cannot supply a
/// static abstract member).
/// </summary>
public abstract class HubMeteringFunction(MeteringService metering, string hub)
{
    private readonly string expectedType = MeteringHubs.ExpectedType(hub) ?? throw new ArgumentException($"metering reads no hub '{hub}'", nameof(hub));

    public async Task<InvocationResponse> InvokeAsync(InvocationRequest invocation, CancellationToken cancellationToken)
    {
        var summary = await metering.MeterAsync(hub, expectedType, MeteringBatchReader.Read(invocation), cancellationToken).ConfigureAwait(false);
        return new InvocationResponse { ReturnValue = JsonSerializer.SerializeToNode(summary) };
    }
}
