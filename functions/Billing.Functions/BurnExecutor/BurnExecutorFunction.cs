namespace Billing.Functions.BurnExecutorTimer;

/// <summary>
/// Timer (every 10 s locally): first completes payments a crash or outage left unsettled (they may owe a burn intent),
/// then drives open burn intents. Safe to run on several instances at once (both steps are idempotent; burns hold a lease).
/// </summary>
public sealed class BurnExecutorFunction(BurnExecutor executor, PaymentProcessor payments) : IInvocationFunction
{
    public static string Name => "BurnExecutor";

    public async Task<InvocationResponse> InvokeAsync(InvocationRequest invocation, CancellationToken cancellationToken)
    {
        await payments.SettlePendingAsync(cancellationToken).ConfigureAwait(false);
        return new() { ReturnValue = JsonSerializer.SerializeToNode(await executor.RunAsync(cancellationToken).ConfigureAwait(false)) };
    }
}
