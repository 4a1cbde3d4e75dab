namespace Billing.Functions.Http;

/// <summary>
/// Every query parameter of the API takes one value (a list, like <c>groupBy</c>, is one comma-separated value), so a
/// parameter given more than once is refused with 400 naming it. Without this a repeat was read as one value: ASP.NET
/// joins repeats with ',', so <c>payer=a&amp;payer=b</c> read as the payer "a,b" and answered an empty list rather than
/// an error. Names are case-insensitive, so <c>payer</c> and <c>PAYER</c> are one parameter given twice.
/// <see cref="EndpointAccess.RequireRoles(RouteHandlerBuilder, string, PartnerRole[])"/> adds this filter after its own,
/// so a caller without a valid key still gets 401 first and every answer stays <c>no-store</c>.
/// </summary>
public static class SingleValuedQuery
{
    /// <summary>The reason given for each repeated parameter.</summary>
    public const string Reason = "is given more than once; every query parameter takes one value (a list is one comma-separated value)";

    public static RouteHandlerBuilder RefuseRepeatedQueryParameters(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter((context, next) =>
        {
            var repeated = context.HttpContext.Request.Query
                .Where(p => p.Value.Count > 1)
                .Select(p => new FieldError(p.Key, Reason))
                .ToArray();
            return repeated.Length == 0
                ? next(context)
                : ValueTask.FromResult<object?>(Problem.BadRequest("a query parameter is given more than once", repeated).ToResult());
        });
}
