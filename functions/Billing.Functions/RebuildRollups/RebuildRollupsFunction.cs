namespace Billing.Functions.RebuildRollups;

/// <summary>
/// POST /api/v1/rollups/rebuild?payer=&amp;month= (finance): recompute the payer's rollups of the month from its facts and
/// replace what differs. Idempotent, and safe while metering runs (ETag-guarded; docs/design.md §6). A shard whose month
/// holds a fact row this platform did not write is refused (409 naming the row) rather than rebuilt without it.
/// </summary>
public static class RebuildRollupsFunction
{
    public const string Route = "/api/v1/rollups/rebuild";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) => app.MapRollups(
        HttpMethods.Post,
        Route,
        "RebuildRollups",
        nameof(RebuildRollupsFunction),
        async (maintenance, payer, month, cancellationToken) =>
        {
            var result = await maintenance.RebuildAsync(payer, month, cancellationToken).ConfigureAwait(false);
            return new RollupRebuildResponse(payer, month.ToString(), result.Facts, result.Buckets, result.RowsChanged, result.MarkedLate);
        },
        BillingJsonContext.Default.RollupRebuildResponse)
        .ProducesProblems(StatusCodes.Status409Conflict); // a month with an unreadable fact row is refused, not rebuilt without it
}
