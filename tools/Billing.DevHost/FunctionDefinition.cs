namespace Billing.DevHost;

public sealed record FunctionDefinition(string Name, IReadOnlyList<BindingDefinition> Bindings, RetryPolicy Retry)
{
    public BindingDefinition Trigger => Bindings.Single(b => b.Type.EndsWith("Trigger", StringComparison.OrdinalIgnoreCase));

    public IEnumerable<BindingDefinition> Outputs => Bindings.Where(b => b.Direction == "out");

    /// <summary>HTTP in and only HTTP out: the host forwards the original request when enableForwardingHttpRequest is on.</summary>
    public bool IsPlainHttp => Trigger.Type == "httpTrigger" && Outputs.All(o => o.Type == "http");
}
