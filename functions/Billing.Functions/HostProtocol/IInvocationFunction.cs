namespace Billing.Functions.HostProtocol;

/// <summary>A function the host invokes with a trigger payload (event hub, timer) at <c>POST /{FunctionName}</c>.</summary>
public interface IInvocationFunction
{
    Task<InvocationResponse> InvokeAsync(InvocationRequest invocation, CancellationToken cancellationToken);
}
