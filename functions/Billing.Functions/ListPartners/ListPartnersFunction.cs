namespace Billing.Functions.ListPartners;

/// <summary>
/// GET /api/v1/partners (finance): every partner, seeded or created through the API, ordered by id; rows that cannot be
/// read are named apart with the property and why (finance only reads this, so the reason is whole).
/// </summary>
public static class ListPartnersFunction
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPartnerGet<PartnerListResponse>("/api/v1/partners", "ListPartners", HandleAsync);

    public static async Task<JsonHttpResult<PartnerListResponse>> HandleAsync(PartnerManagement partners, TimeProvider time, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var list = await partners.ListAsync(cancellationToken).ConfigureAwait(false);
        var unreadable = list.Unreadable.OrderBy(u => u.Id, StringComparer.Ordinal).Select(u => new UnreadablePartner(u.Id, u.Reason)).ToList();
        return ApiResults.Json(
            new PartnerListResponse([.. list.Items.OrderBy(r => r.Partner.Id, StringComparer.Ordinal).Select(r => PartnerResponses.View(r, now))], unreadable.Count > 0 ? unreadable : null),
            BillingJsonContext.Default.PartnerListResponse);
    }
}
