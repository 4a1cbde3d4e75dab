namespace Billing.Functions.RotatePartnerKey;

/// <summary>
/// POST /api/v1/partners/{id}/keys (finance): a new API key (201, shown this once); the previous keys keep working
/// until <c>previousKeysValidUntil</c> (<c>Billing:Partners:KeyRotationOverlap</c>, default 24 h), then fail.
/// </summary>
public static class RotatePartnerKeyFunction
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/partners/{id}/keys", HandleAsync).WithName("RotatePartnerKey")
            .Produces<PartnerKeyRotatedResponse>(StatusCodes.Status201Created)
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .RequireRoles(PartnerResponses.Forbidden, PartnerRole.Finance);

    public static Task<Results<JsonHttpResult<PartnerKeyRotatedResponse>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpContext http, string id, PartnerManagement partners, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        return PartnerRequests.AnswerAsync(async () =>
        {
            var rotated = await partners.RotateKeyAsync(http.Caller(), id, cancellationToken).ConfigureAwait(false);
            return TypedResults.Json(
                new PartnerKeyRotatedResponse(rotated.ApiKey, rotated.KeyId, PartnerResponses.Instant(rotated.PreviousKeysValidUntil)),
                BillingJsonContext.Default.PartnerKeyRotatedResponse,
                ApiResults.JsonContentType,
                StatusCodes.Status201Created);
        });
    }
}
