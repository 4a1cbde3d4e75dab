namespace Billing.Functions.UpdatePartner;

/// <summary>
/// PATCH /api/v1/partners/{id} (finance): plan (from the next period), display name, billing email, Stripe customer,
/// status (<c>disabled</c>: its keys stop working and no new usage is accepted for it; <c>active</c> again), and for a
/// payer the whole list of providers it lets bill it (<c>providers</c>). → the partner.
/// </summary>
public static class UpdatePartnerFunction
{
    private static readonly string[] Fields = ["plan", "displayName", "billingEmail", "stripeCustomerId", "status", "providers"];

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPatch("/api/v1/partners/{id}", HandleAsync).WithName("UpdatePartner")
            .Produces<PartnerView>()
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .RequireRoles(PartnerResponses.Forbidden, PartnerRole.Finance)
            .AcceptsJson<UpdatePartnerRequest>(); // after RequireRoles: 401 and 403 before 415

    public static async Task<Results<JsonHttpResult<PartnerView>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpContext http, string id, PartnerManagement partners, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (f, lists, errors) = await PartnerRequests.ReadAsync(http.Request, Fields, ["stripeCustomerId"], ["providers"], cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return ApiProblems.BadRequest("invalid partner fields", [.. errors]);
        }

        var update = new PartnerUpdate(f.GetValueOrDefault("plan"), f.GetValueOrDefault("displayName"), f.GetValueOrDefault("billingEmail"),
            f.GetValueOrDefault("stripeCustomerId"), f.GetValueOrDefault("status"))
        {
            ClearStripeCustomer = f.TryGetValue("stripeCustomerId", out var customer) && customer is null,
            Providers = lists.GetValueOrDefault("providers"),
        };
        return await PartnerRequests.AnswerAsync(async () => ApiResults.Json(
            PartnerResponses.View(await partners.UpdateAsync(http.Caller(), id, update, cancellationToken).ConfigureAwait(false), time.GetUtcNow()),
            BillingJsonContext.Default.PartnerView)).ConfigureAwait(false);
    }
}
