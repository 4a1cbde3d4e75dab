using Billing.Application.Rollups;
using Billing.Contracts.Rollups;
using Billing.Functions.VerifyRollups;

namespace Billing.Functions.RebuildRollups;

/// <summary>
/// POST /api/v1/rollups/rebuild?payer=&amp;month= (finance): recompute the payer's rollups of the month from its facts and
/// replace what differs. Idempotent, and safe while metering runs (ETag-guarded; docs/design.md §6).
/// </summary>
public static class RebuildRollupsFunction
{
    public const string Route = "/api/v1/rollups/rebuild";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost(Route, HandleAsync).WithName("RebuildRollups").Produces<RollupRebuildResponse>().RequireRoles(VerifyRollupsFunction.Forbidden, PartnerRole.Finance);

    public static async Task<Results<JsonHttpResult<RollupRebuildResponse>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpContext http, RollupMaintenance maintenance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(maintenance);
        if (RollupsRequest.TryParse(http, out var payer, out var month) is { } problem)
        {
            return problem.ToResult();
        }

        var result = await maintenance.RebuildAsync(payer, month, cancellationToken).ConfigureAwait(false);
        return TypedResults.Json(
            new RollupRebuildResponse(payer, month.ToString(), result.Facts, result.Buckets, result.RowsChanged),
            BillingJsonContext.Default.RollupRebuildResponse);
    }
}
