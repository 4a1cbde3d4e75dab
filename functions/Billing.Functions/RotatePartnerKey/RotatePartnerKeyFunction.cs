namespace Billing.Functions.RotatePartnerKey;

/// <summary>
/// POST /api/v1/partners/{id}/keys[?revokePrevious=true] (finance): a new API key (201, shown this once); the previous keys
/// keep working until <c>previousKeysValidUntil</c> (<c>Billing:Partners:KeyRotationOverlap</c>, default 24 h), then fail;
/// with <c>revokePrevious=true</c> (a key that leaked) they stop now, listed in <c>revokedKeyIds</c>.
/// </summary>
public static class RotatePartnerKeyFunction
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/partners/{id}/keys", HandleAsync).WithName("RotatePartnerKey")
            .Produces<PartnerKeyRotatedResponse>(StatusCodes.Status201Created)
            .Query(new QueryParameter("revokePrevious", "true: the keys this one replaces stop now (a leaked key) instead of after the rotation overlap.", JsonSchemaType.Boolean))
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .RequireRoles(PartnerResponses.Forbidden, PartnerRole.Finance);

    public static Task<Results<JsonHttpResult<PartnerKeyRotatedResponse>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpContext http, string id, PartnerManagement partners, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var errors = new List<ApiFieldError>();
        bool revokePrevious = PartnerRequests.Flag(http.Request.Query, "revokePrevious", errors) ?? false;
        if (errors.Count > 0)
        {
            return Task.FromResult<Results<JsonHttpResult<PartnerKeyRotatedResponse>, JsonHttpResult<ApiProblem>>>(ApiProblems.BadRequest("invalid query parameters", [.. errors]));
        }

        return PartnerRequests.AnswerAsync(async () =>
        {
            var rotated = await partners.RotateKeyAsync(http.Caller(), id, revokePrevious, cancellationToken).ConfigureAwait(false);
            return TypedResults.Json(
                new PartnerKeyRotatedResponse(rotated.ApiKey, rotated.KeyId, PartnerResponses.Instant(rotated.PreviousKeysValidUntil), rotated.RevokedKeyIds),
                BillingJsonContext.Default.PartnerKeyRotatedResponse,
                ApiResults.JsonContentType,
                StatusCodes.Status201Created);
        });
    }
}
