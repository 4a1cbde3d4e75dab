namespace Billing.Tests.Shared;

/// <summary>One HTTP request as the capture server received it.</summary>
public sealed record CapturedRequest(
    string Method,
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Form,
    IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>The single value of form field <paramref name="name"/> (e.g. <c>metadata[billing_invoice_id]</c>), or null.</summary>
    public string? Field(string name) => Form.SingleOrDefault(p => p.Key == name).Value;

    public string? Header(string name) => Headers.TryGetValue(name, out string? value) ? value : null;

    public override string ToString() => $"{Method} {Path}";
}
