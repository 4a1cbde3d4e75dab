namespace Billing.Functions.ListQuarantine;

/// <summary>
/// GET /api/v1/quarantine?source=&amp;kind=&amp;from=&amp;to=&amp;replayed=&amp;limit=&amp;after= : the events metering set
/// aside, with their reasons, page by page (default 100, at most 1,000). Partners read their own (<c>source</c> is
/// theirs), finance every source's or one's. <c>replayed=true</c> lists only events with a replay record,
/// <c>false</c> only those never replayed.
/// </summary>
public static class ListQuarantineFunction
{
    /// <summary>
    /// Each kind by the name the listing writes (<see cref="QuarantineViews"/>: its enum name in lower case), in declaration
    /// order: the parameter's documented values, its parsing and its error name the same kinds.
    /// </summary>
    private static readonly Dictionary<string, QuarantineKind> Kinds =
        Enum.GetValues<QuarantineKind>().ToDictionary(k => k.ToString().ToLowerInvariant(), StringComparer.Ordinal);

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/quarantine", HandleAsync).WithName("ListQuarantine").Produces<QuarantineListResponse>()
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .Query(
                new("source", "Finance: only this source's events (partner id); a partner may give only its own id."),
                new("kind", "Only events set aside as this kind.", Values: [.. Kinds.Keys]),
                QueryInstants.Parameter("from", "Quarantined at or after this instant"),
                QueryInstants.Parameter("to", "Quarantined before this instant"),
                new("replayed", "true: only events with a replay record; false: only events never replayed.", JsonSchemaType.Boolean),
                new("limit", "Events a page, 1 to 1000 (default 100).", JsonSchemaType.Integer),
                new("after", "The next page: the `next` of the previous page. A page stops after reading 10,000 rows, so it may hold fewer events than `limit`, even none, with a `next`: only a null `next` ends the list."))
            .RequireRoles("every partner may list its quarantined events", Enum.GetValues<PartnerRole>()); // whose: decided below

    public static async Task<Results<JsonHttpResult<QuarantineListResponse>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpContext http, QuarantineStore quarantine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var caller = http.Caller();
        var query = http.Request.Query;
        string? source = string.IsNullOrEmpty(query["source"]) ? null : query["source"].ToString();
        if (caller.Role != PartnerRole.Finance)
        {
            if (source is not null && source != caller.Id)
            {
                return ApiProblems.Of(StatusCodes.Status403Forbidden, "Forbidden", QuarantineViews.OthersForbidden);
            }

            source = caller.Id;
        }

        var errors = new List<ApiFieldError>();
        // By name only: Enum.TryParse also took "conflict,malformed" as unstorable (the flags or'ed) and "conflict " as conflict.
        QuarantineKind? kind = string.IsNullOrEmpty(query["kind"]) ? null
            : Kinds.TryGetValue(query["kind"].ToString().ToLowerInvariant(), out var named) ? named : null;
        if (kind is null && !string.IsNullOrEmpty(query["kind"]))
        {
            string[] names = [.. Kinds.Keys];
            errors.Add(new("kind", $"must be {string.Join(", ", names[..^1])} or {names[^1]}"));
        }

        bool? replayed = PartnerRequests.Flag(query, "replayed", errors);

        var from = Instant(query["from"], "from", errors);
        var to = Instant(query["to"], "to", errors);
        if (from is not null && to is not null && from >= to)
        {
            errors.Add(new("to", "must be after from"));
        }

        var (limit, after) = PartnerRequests.Paging(query, errors, QuarantineStore.IsId); // the rules of every paged listing

        if (errors.Count > 0)
        {
            return ApiProblems.BadRequest("invalid query parameters", [.. errors]);
        }

        var page = await quarantine.PageAsync(new QuarantineFilter(source, kind, from, to, replayed), after, limit, cancellationToken).ConfigureAwait(false);
        return ApiResults.Json(new QuarantineListResponse([.. page.Entries.Select(QuarantineViews.View)], page.Next), BillingJsonContext.Default.QuarantineListResponse);
    }

    private static DateTimeOffset? Instant(string? text, string field, List<ApiFieldError> errors)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (!QueryInstants.TryParse(text, default, out var value))
        {
            errors.Add(new(field, QueryInstants.Reason));
            return null;
        }

        return value;
    }
}
