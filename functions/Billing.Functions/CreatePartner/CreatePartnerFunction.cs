namespace Billing.Functions.CreatePartner;

/// <summary>
/// POST /api/v1/partners (finance): register a partner → 201 with its API key, shown this once (stored as a hash).
/// A payer may name the providers it lets bill it (<c>providers</c>; none when left out). 400 names each invalid field;
/// 409 when the id exists.
/// </summary>
public static class CreatePartnerFunction
{
    private static readonly string[] Fields = ["id", "role", "plan", "displayName", "billingEmail", "stripeCustomerId", "providers"];

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapPost("/api/v1/partners", HandleAsync).WithName("CreatePartner")
            .Produces<PartnerCreatedResponse>(StatusCodes.Status201Created)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict)
            .RequireRoles(PartnerResponses.Forbidden, PartnerRole.Finance)
            .AcceptsJson<CreatePartnerRequest>(); // after RequireRoles: 401 and 403 before 415

    public static async Task<Results<JsonHttpResult<PartnerCreatedResponse>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpContext http, PartnerManagement partners, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var (f, lists, errors) = await PartnerRequests.ReadAsync(http.Request, Fields, [], ["providers"], cancellationToken).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            return ApiProblems.BadRequest("invalid partner fields", [.. errors]);
        }

        var draft = new PartnerDraft(f.GetValueOrDefault("id"), f.GetValueOrDefault("role"), f.GetValueOrDefault("plan"), f.GetValueOrDefault("displayName"),
            f.GetValueOrDefault("billingEmail"), f.GetValueOrDefault("stripeCustomerId"))
        {
            Providers = lists.GetValueOrDefault("providers"),
        };
        return await PartnerRequests.AnswerAsync(async () =>
        {
            var created = await partners.CreateAsync(http.Caller(), draft, cancellationToken).ConfigureAwait(false);
            var body = new PartnerCreatedResponse(PartnerResponses.View(created.Record, time.GetUtcNow()), created.ApiKey);
            return TypedResults.Json(body, BillingJsonContext.Default.PartnerCreatedResponse, ApiResults.JsonContentType, StatusCodes.Status201Created);
        }).ConfigureAwait(false);
    }
}
