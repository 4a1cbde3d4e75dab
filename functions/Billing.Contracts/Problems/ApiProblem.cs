namespace Billing.Contracts.Problems;

/// <summary>
/// RFC 9457 problem details, the body of every error the API returns (<c>application/problem+json</c>): the field and
/// reason in <see cref="Errors"/> where there is one; route-specific members (e.g. <c>rejected</c>) in <see cref="Extensions"/>.
/// </summary>
public sealed record ApiProblem(string Type, string Title, int Status, string Detail, IReadOnlyList<ApiFieldError>? Errors = null)
{
    public const string ContentType = "application/problem+json";

    /// <remarks>Settable, not init-only: the source generator binds init-only members like constructor parameters, and
    /// System.Text.Json refuses extension data bound that way (InvalidOperationException at first use).</remarks>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extensions { get; set; } // settable: the generator cannot bind an init-only extension-data property
}
