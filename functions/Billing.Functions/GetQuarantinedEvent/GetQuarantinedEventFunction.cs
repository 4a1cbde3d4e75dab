using Billing.Functions.ListQuarantine;

namespace Billing.Functions.GetQuarantinedEvent;

/// <summary>
/// GET /api/v1/quarantine/{id}: one quarantined event with its payload byte for byte (and a conflict's first version).
/// A partner reads only its own; another's answers 404, as an unknown id does, so ids of others are not confirmed.
/// </summary>
public static class GetQuarantinedEventFunction
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/quarantine/{id}", HandleAsync).WithName("GetQuarantinedEvent").Produces<QuarantinedEventResponse>()
            .ProducesProblems(StatusCodes.Status404NotFound)
            .RequireRoles("every partner may read its quarantined events", Enum.GetValues<PartnerRole>()); // whose: decided below

    public static async Task<Results<JsonHttpResult<QuarantinedEventResponse>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpContext http, string id, QuarantineStore quarantine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!QuarantineViews.MayRead(http.Caller(), id) || await quarantine.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } detail)
        {
            return ApiProblems.NotFound($"no quarantined event '{id}'");
        }

        return ApiResults.Json(new QuarantinedEventResponse(QuarantineViews.View(detail.Entry), detail.Raw, detail.ExistingRaw), BillingJsonContext.Default.QuarantinedEventResponse);
    }
}
