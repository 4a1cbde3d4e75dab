namespace Billing.Functions.ListPartners;

/// <summary>GET /api/v1/partners (finance): every partner, seeded or created through the API, ordered by id.</summary>
public static class ListPartnersFunction
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPartnerGet<PartnerListResponse>("/api/v1/partners", "ListPartners", HandleAsync);

    public static async Task<JsonHttpResult<PartnerListResponse>> HandleAsync(PartnerManagement partners, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var list = await partners.ListAsync(cancellationToken).ConfigureAwait(false);
        return ApiResults.Json(
            new PartnerListResponse([.. list.OrderBy(r => r.Partner.Id, StringComparer.Ordinal).Select(r => PartnerResponses.View(r, now))]),
            BillingJsonContext.Default.PartnerListResponse);
    }
}
