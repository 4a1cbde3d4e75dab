namespace Billing.Functions.Infrastructure;

/// <summary>
/// An error the API answers with, and the one mapping from it to RFC 9457 <c>application/problem+json</c>
/// (<see cref="ApiProblem"/>, source-generated JSON): type, title, status, detail, the field and reason in <c>errors</c>
/// when there are any, then route-specific members (<see cref="Extensions"/>, e.g. the rejected events of a usage post).
/// </summary>
public sealed record Problem(int Status, string Title, string Detail, IReadOnlyList<FieldError>? Errors = null, IDictionary<string, JsonElement>? Extensions = null)
{
    public const string ContentType = ApiProblem.ContentType;

    /// <summary>The problem type URI; one per status, but for <see cref="StorageIntegrity(string, string)"/>.</summary>
    public const string TypeBase = "https://depin-billing.dev/problems/";

    /// <summary>The problem type URI when not <see cref="TypeBase"/> and the status.</summary>
    public string? Type { get; init; }

    public ApiProblem ToApiProblem() => new(
        Type ?? TypeBase + Status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        Title,
        Status,
        Detail,
        Errors is { Count: > 0 } ? Errors.Select(e => new ApiFieldError(e.Field, e.Reason)).ToList() : null)
    {
        Extensions = Extensions,
    };

    public string ToJson() => JsonSerializer.Serialize(ToApiProblem(), BillingJsonContext.Default.ApiProblem);

    public JsonHttpResult<ApiProblem> ToResult() => TypedResults.Json(ToApiProblem(), BillingJsonContext.Default.ApiProblem, ContentType, Status);

    public static Problem Unauthorized() => new(401, "Unauthorized", "A valid X-Api-Key header is required.");

    public static Problem Forbidden(string detail) => new(403, "Forbidden", detail);

    public static Problem BadRequest(string detail, params FieldError[] errors) => new(400, "Bad request", detail, errors);

    public static Problem NotFound(string detail) => new(404, "Not found", detail);

    /// <summary>
    /// The 500 of a request whose stored data cannot be read or is missing (changed or removed outside the platform):
    /// typed <see cref="ApiProblem.StorageIntegrityType"/>, so clients know that sending it again cannot help.
    /// </summary>
    public static Problem StorageIntegrity(string title, string detail) => StorageIntegrity(500, title, detail);

    /// <summary>
    /// Another status's answer about stored data that cannot be read, is missing or was planted (a 409 naming the row
    /// finance repairs, the Stripe webhook's 503): typed <see cref="ApiProblem.StorageIntegrityType"/> too, so one check
    /// recognises the class whatever the status.
    /// </summary>
    public static Problem StorageIntegrity(int status, string title, string detail, params FieldError[] errors) =>
        new(status, title, detail, errors) { Type = ApiProblem.StorageIntegrityType };
}
