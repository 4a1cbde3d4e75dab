namespace Billing.Functions.Http;

/// <summary>
/// The query parameters a route takes, declared once where the route is mapped (<see cref="Query"/>): the OpenAPI
/// document lists exactly these (<see cref="BillingOpenApi"/>), and on a keyed route
/// (<see cref="EndpointAccess.RequireRoles(RouteHandlerBuilder, string, PartnerRole[])"/>) any other name is refused
/// with 400 naming it and the names the route takes, as is a name given more than once (<see cref="SingleValuedQuery"/>).
/// A route that declares none takes none. Names compare case-insensitively, as the route reads them. Without this a typo
/// was ignored: <c>?revokePrevios=true</c> rotated a key without revoking the leaked one, <c>?perod=2026-10</c> listed
/// every period. Keyless routes are not checked: Stripe and the Functions host send what they send, and health, the
/// console's files and the document read no parameter.
/// </summary>
public static class DeclaredQuery
{
    /// <summary>Declares the query <paramref name="parameters"/> the route takes (reads from its request itself).</summary>
    public static RouteHandlerBuilder Query(this RouteHandlerBuilder builder, params QueryParameter[] parameters) =>
        builder.WithMetadata(new Parameters(parameters));

    /// <summary>The parameters declared in <paramref name="metadata"/> (an endpoint's), in declaration order; none when none.</summary>
    public static IReadOnlyList<QueryParameter> Of(IEnumerable<object> metadata) => [.. metadata.OfType<Parameters>().SelectMany(p => p.List)];

    /// <summary>The reason given for a parameter the route does not take, naming those it takes.</summary>
    public static string UnknownReason(IReadOnlyList<QueryParameter> accepted)
    {
        ArgumentNullException.ThrowIfNull(accepted);
        return accepted.Count == 0
            ? "is not a query parameter of this route, which takes none"
            : $"is not a query parameter of this route, which takes {string.Join(", ", accepted.Select(p => p.Name))}";
    }

    /// <summary>
    /// Refuses, with one 400 naming each, a query parameter the route did not declare and one given more than once.
    /// Added by <see cref="EndpointAccess.RequireRoles(RouteHandlerBuilder, string, PartnerRole[])"/> after its own
    /// filter, so a caller without a valid key still gets 401 first and the answer is <c>no-store</c>.
    /// </summary>
    public static RouteHandlerBuilder RefuseUndeclaredQueryParameters(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter((context, next) =>
        {
            var http = context.HttpContext;
            var query = http.Request.Query;
            if (query.Count == 0)
            {
                return next(context);
            }

            var declared = Of(http.GetEndpoint()?.Metadata ?? []);
            var errors = new List<FieldError>();
            bool unknown = false;
            foreach (var (name, values) in query)
            {
                if (!declared.Any(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    errors.Add(new FieldError(name, UnknownReason(declared)));
                    unknown = true;
                }
                else if (values.Count > 1)
                {
                    errors.Add(new FieldError(name, SingleValuedQuery.Reason));
                }
            }

            if (errors.Count == 0)
            {
                return next(context);
            }

            string detail = !unknown ? SingleValuedQuery.Detail
                : errors.Count == 1 ? $"this route takes no query parameter '{errors[0].Field}'"
                : "query parameters this route does not take, or given more than once";
            return ValueTask.FromResult<object?>(Problem.BadRequest(detail, [.. errors]).ToResult());
        });

    /// <summary>One <see cref="Query"/> declaration, kept in the endpoint's metadata.</summary>
    public sealed record Parameters(IReadOnlyList<QueryParameter> List);
}
