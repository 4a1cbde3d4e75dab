using Billing.Application.Rollups;
using Billing.Contracts.Rollups;

namespace Billing.Functions.VerifyRollups;

/// <summary>GET /api/v1/rollups/verify?payer=&amp;month= (finance): the payer's rollups of the month against its facts (docs/design.md §6).</summary>
public static class VerifyRollupsFunction
{
    public const string Route = "/api/v1/rollups/verify";

    public const string Forbidden = "only finance may verify or rebuild rollups";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet(Route, HandleAsync).WithName("VerifyRollups").Produces<RollupVerifyResponse>().RequireRoles(Forbidden, PartnerRole.Finance);

    public static async Task<Results<JsonHttpResult<RollupVerifyResponse>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpContext http, RollupMaintenance maintenance, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(maintenance);
        if (RollupsRequest.TryParse(http, out var payer, out var month) is { } problem)
        {
            return problem.ToResult();
        }

        var result = await maintenance.VerifyAsync(payer, month, cancellationToken).ConfigureAwait(false);
        var body = new RollupVerifyResponse(payer, month.ToString(), result.Ok, result.Facts, result.Buckets,
            [.. result.Differences.Select(d => new RollupDifferenceView(d.Shard, d.RowKey, d.Kind, d.Detail))]);
        return TypedResults.Json(body, BillingJsonContext.Default.RollupVerifyResponse);
    }
}
