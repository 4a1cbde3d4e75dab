namespace Billing.Functions.Http;

/// <summary>
/// Authentication and role checks for every HTTP route, in one place: a route states the roles that may call it with
/// <see cref="RequireRoles(RouteHandlerBuilder, string, PartnerRole[])"/>; the filter answers 401 without a valid <c>X-Api-Key</c> and 403 for any other role, and
/// hands the adapter the authenticated caller through <see cref="Caller"/>. Finer rules (a payer reads only its own
/// invoices) belong to the use case or adapter that knows the resource. Every answer of such a route, refusals included,
/// is <c>Cache-Control: no-store</c>, and a query parameter the route does not declare, or one given twice, is refused
/// (<see cref="DeclaredQuery"/>).
/// </summary>
public static class EndpointAccess
{
    private static readonly object CallerKey = new();

    /// <summary>Lets only partners in <paramref name="roles"/> through; <paramref name="forbidden"/> explains a 403.</summary>
    public static RouteHandlerBuilder RequireRoles(this RouteHandlerBuilder builder, string forbidden, params PartnerRole[] roles) =>
        builder.RequireRoles(_ => forbidden, roles);

    /// <summary>Lets only partners in <paramref name="roles"/> through; <paramref name="forbidden"/> explains a 403 to the caller's role.</summary>
    public static RouteHandlerBuilder RequireRoles(this RouteHandlerBuilder builder, Func<PartnerRole, string> forbidden, params PartnerRole[] roles)
    {
        ArgumentNullException.ThrowIfNull(forbidden);
        var allowed = roles.ToHashSet();
        return builder
            .WithMetadata(new AllowedRoles(allowed))
            .AddEndpointFilter(async (context, next) =>
            {
                var http = context.HttpContext;
                // The key travels in X-Api-Key, not Authorization, so a shared cache (CDN, proxy) would otherwise store one
                // partner's invoices under their URL and hand them to the next caller of that URL.
                http.Response.Headers.CacheControl = "no-store";
                var partners = http.RequestServices.GetRequiredService<PartnerDirectory>();
                Partner? caller;
                try
                {
                    caller = await partners.AuthenticateAsync(http.Request, http.RequestAborted).ConfigureAwait(false);
                }
                catch (PartnerRowMissingException)
                {
                    // As below, but the row is gone (removed outside the platform), not changed: said as such.
                    return ApiProblems.StorageIntegrity("Partner record missing",
                        "the partner record of this key is missing from storage: it was removed outside this platform; finance has been told");
                }
                catch (InvalidDataException)
                {
                    // The key may well be right: its partner's row was changed outside the platform. Finance sees the row
                    // and property in the partner list and the log (the directory logs it once per refusal read from
                    // storage, not per request); the caller is told, not shown it.
                    return ApiProblems.StorageIntegrity("Partner record unreadable",
                        "the partner record of this key cannot be read: it was changed outside this platform; finance has been told");
                }

                if (caller is null)
                {
                    return Problem.Unauthorized().ToResult();
                }

                if (!allowed.Contains(caller.Role))
                {
                    return Problem.Forbidden(forbidden(caller.Role)).ToResult();
                }

                http.Items[CallerKey] = caller;
                return await next(context).ConfigureAwait(false);
            })
            .RefuseUndeclaredQueryParameters(); // after the key check: 401 first, and this answer is no-store too
    }

    /// <summary>The partner the <see cref="RequireRoles(RouteHandlerBuilder, string, PartnerRole[])"/> filter authenticated for this request.</summary>
    public static Partner Caller(this HttpContext context) =>
        context.Items.TryGetValue(CallerKey, out var caller) && caller is Partner partner
            ? partner
            : throw new InvalidOperationException("the route has no RequireRoles filter, so there is no authenticated caller");

    /// <summary>The roles a route admits; read by the OpenAPI document and the route × role tests.</summary>
    public sealed record AllowedRoles(IReadOnlySet<PartnerRole> Roles);
}
