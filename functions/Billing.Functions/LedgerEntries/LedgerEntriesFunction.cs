namespace Billing.Functions.LedgerEntriesHttp;

/// <summary>
/// GET /api/v1/ledger/entries?from=&amp;limit= (finance): a page of entries with every hashed field, so an auditor can
/// recompute the chain and the roots itself; rows that cannot be read are listed apart (finance sees where and why).
/// Parameters are checked before storage is touched.
/// </summary>
public static class LedgerEntriesFunction
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapLedgerGet<LedgerEntriesResponse>("/api/v1/ledger/entries", "LedgerEntries", HandleAsync, [PartnerRole.Finance], StatusCodes.Status400BadRequest)
            .Query(
                new QueryParameter("from", "The first sequence number of the page (default 1).", JsonSchemaType.Integer),
                new QueryParameter("limit", $"Entries a page, 1 to {LedgerReader.MaxEntriesPage} (default {LedgerReader.MaxEntriesPage}).", JsonSchemaType.Integer));

    public static async Task<Results<JsonHttpResult<LedgerEntriesResponse>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpRequest request, LedgerReader reader, CancellationToken cancellationToken)
    {
        var errors = new List<ApiFieldError>();
        long from = 1;
        int limit = LedgerReader.MaxEntriesPage;
        if (request.Query.TryGetValue("from", out var fromText) && !(long.TryParse(fromText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out from) && from >= 1))
        {
            errors.Add(new ApiFieldError("from", "must be a sequence number ≥ 1"));
        }

        if (request.Query.TryGetValue("limit", out var limitText) && !(int.TryParse(limitText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= LedgerReader.MaxEntriesPage))
        {
            errors.Add(new ApiFieldError("limit", $"must be an integer from 1 to {LedgerReader.MaxEntriesPage}"));
        }

        if (errors.Count > 0)
        {
            return ApiProblems.BadRequest("invalid query parameters", [.. errors]);
        }

        var page = await reader.EntriesAsync(from, limit, cancellationToken).ConfigureAwait(false);
        var unreadable = page.Unreadable.Select(LedgerContract.ToView).ToList();
        if (page.HeadUnreadable is { } why)
        {
            unreadable.Add(new LedgerUnreadableRowView(LedgerStore.HeadRowKey, null, null, null, why));
        }

        var body = new LedgerEntriesResponse(
            page.Book,
            page.Head is { } head ? new LedgerHeadView(head.LastSequence, head.LastHash) : null,
            [.. page.Entries.Select(e => LedgerContract.ToView(e.Entry, e.RecordedAt))],
            page.Next)
        {
            Unreadable = unreadable.Count > 0 ? unreadable : null,
        };
        return TypedResults.Json(body, BillingJsonContext.Default.LedgerEntriesResponse);
    }
}
