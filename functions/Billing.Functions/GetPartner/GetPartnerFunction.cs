namespace Billing.Functions.GetPartner;

/// <summary>GET /api/v1/partners/{id} (finance): one partner with its plans, status and key metadata.</summary>
public static class GetPartnerFunction
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPartnerGet<PartnerView>("/api/v1/partners/{id}", "GetPartner", HandleAsync, StatusCodes.Status404NotFound);

    public static Task<Results<JsonHttpResult<PartnerView>, JsonHttpResult<ApiProblem>>> HandleAsync(string id, PartnerManagement partners, TimeProvider time, CancellationToken cancellationToken) =>
        PartnerRequests.AnswerAsync(async () => ApiResults.Json(
            PartnerResponses.View(await partners.GetAsync(id, cancellationToken).ConfigureAwait(false), time.GetUtcNow()),
            BillingJsonContext.Default.PartnerView));
}
