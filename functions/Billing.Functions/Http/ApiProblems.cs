namespace Billing.Functions.Http;

/// <summary>Problem+json answers as typed results, serialized through <see cref="BillingJsonContext"/> (the body <c>Problem</c> writes, field for field).</summary>
public static class ApiProblems
{
    public static JsonHttpResult<ApiProblem> Of(int status, string title, string detail, params ApiFieldError[] errors) =>
        TypedResults.Json(
            new ApiProblem($"https://depin-billing.dev/problems/{status}", title, status, detail, errors.Length == 0 ? null : errors),
            BillingJsonContext.Default.ApiProblem,
            ApiProblem.ContentType,
            status);

    public static JsonHttpResult<ApiProblem> BadRequest(string detail, params ApiFieldError[] errors) => Of(StatusCodes.Status400BadRequest, "Bad request", detail, errors);

    public static JsonHttpResult<ApiProblem> NotFound(string detail) => Of(StatusCodes.Status404NotFound, "Not found", detail);

    /// <summary>The 500 of <see cref="Problem.StorageIntegrity(string, string)"/>: stored data the request needs cannot be read or is missing.</summary>
    public static JsonHttpResult<ApiProblem> StorageIntegrity(string title, string detail) => Problem.StorageIntegrity(title, detail).ToResult();

    /// <summary>Another status's answer about stored data that cannot be read or is missing (<see cref="Problem.StorageIntegrity(int, string, string, FieldError[])"/>).</summary>
    public static JsonHttpResult<ApiProblem> StorageIntegrity(int status, string title, string detail) => Problem.StorageIntegrity(status, title, detail).ToResult();

    /// <summary>Declares the problem answers of a route (for the OpenAPI document); 401 and 403 come with <see cref="EndpointAccess.RequireRoles(RouteHandlerBuilder, string, Billing.Domain.Partners.PartnerRole[])"/>.</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        foreach (int status in statuses)
        {
            builder.Produces<ApiProblem>(status, ApiProblem.ContentType);
        }

        return builder;
    }
}
