namespace Billing.Contracts.Problems;

/// <summary>
/// RFC 9457 problem details, the body of every error the API returns (<c>application/problem+json</c>): the field and
/// reason in <see cref="Errors"/> where there is one; route-specific members (e.g. <c>rejected</c>) in <see cref="Extensions"/>.
/// </summary>
public sealed record ApiProblem(string Type, string Title, int Status, string Detail, IReadOnlyList<ApiFieldError>? Errors = null)
{
    public const string ContentType = "application/problem+json";

    /// <summary>
    /// The <see cref="Type"/> of every answer about stored data the request needs that cannot be read, is missing or was
    /// planted: a row changed or removed outside the platform (a partner record, an invoice, a burn, a ledger entry, usage
    /// facts, a close record, a quarantine row), whatever the status (500 mostly; 409 where finance is told which row to
    /// repair; the Stripe webhook's 503, which Stripe retries). Not transient: sending the request again gets the same answer
    /// until finance repairs the data, so clients do not retry it (the CLI does not). Other problems' type is
    /// <c>https://depin-billing.dev/problems/{status}</c>.
    /// </summary>
    public const string StorageIntegrityType = "https://depin-billing.dev/problems/storage-integrity";

    /// <remarks>Settable, not init-only: the source generator binds init-only members like constructor parameters, and
    /// System.Text.Json refuses extension data bound that way (InvalidOperationException at first use).</remarks>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? Extensions { get; set; } // settable: the generator cannot bind an init-only extension-data property
}
