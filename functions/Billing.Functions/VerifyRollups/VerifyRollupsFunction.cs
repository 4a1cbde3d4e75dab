namespace Billing.Functions.VerifyRollups;

/// <summary>GET /api/v1/rollups/verify?payer=&amp;month= (finance): the payer's rollups of the month against its facts (docs/design.md §6).</summary>
public static class VerifyRollupsFunction
{
    public const string Route = "/api/v1/rollups/verify";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) => app.MapRollups(
        HttpMethods.Get, Route, "VerifyRollups", nameof(VerifyRollupsFunction), VerifyAsync, BillingJsonContext.Default.RollupVerifyResponse);

    private static async Task<RollupVerifyResponse> VerifyAsync(RollupMaintenance maintenance, string payer, BillingPeriod month, CancellationToken cancellationToken)
    {
        var result = await maintenance.VerifyAsync(payer, month, cancellationToken).ConfigureAwait(false);
        return new RollupVerifyResponse(payer, month.ToString(), result.Ok, result.Facts, result.Buckets,
            [.. result.Differences.Select(d => new RollupDifferenceView(d.Shard, d.RowKey, d.Kind, d.Detail))],
            [.. result.Unsettled.Select(u => new RollupUnsettledView(u.Shard, u.RowKey))]);
    }
}
