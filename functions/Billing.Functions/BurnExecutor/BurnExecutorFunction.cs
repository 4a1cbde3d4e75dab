using System.Text.Json;
using Billing.Functions.Burns;
using Billing.Functions.HostProtocol;

namespace Billing.Functions.BurnExecutorTimer;

/// <summary>Timer (every 10 s locally): drives open burn intents. Safe to run on several instances at once (lease).</summary>
public sealed class BurnExecutorFunction(BurnExecutor executor)
{
    public const string Name = "BurnExecutor";

    public async Task<InvocationResponse> InvokeAsync(InvocationRequest invocation, CancellationToken cancellationToken) =>
        new() { ReturnValue = JsonSerializer.SerializeToNode(await executor.RunAsync(cancellationToken).ConfigureAwait(false)) };
}
