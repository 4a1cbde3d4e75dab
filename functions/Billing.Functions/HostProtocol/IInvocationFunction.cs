namespace Billing.Functions.HostProtocol;

/// <summary>A function the host invokes with a trigger payload (event hub, timer) at <c>POST /{FunctionName}</c>.</summary>
public interface IInvocationFunction
{
    /// <summary>The function's name: its folder (beside its <c>function.json</c>) and the path the host posts to.</summary>
    static abstract string Name { get; }

    Task<InvocationResponse> InvokeAsync(InvocationRequest invocation, CancellationToken cancellationToken);
}
