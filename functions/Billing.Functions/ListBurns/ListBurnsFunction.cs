namespace Billing.Functions.ListBurns;

/// <summary>GET /api/v1/burns?invoiceId= (finance).</summary>
public static class ListBurnsFunction
{
    public const string Route = "/api/v1/burns";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet(Route, HandleAsync).WithName("ListBurns").Produces<IReadOnlyList<BurnView>>()
            .ProducesProblems(StatusCodes.Status500InternalServerError)
            .Query(new QueryParameter("invoiceId", "Only the burn of this invoice."))
            .ProducesHeader(StatusCodes.Status200OK, BurnListHeaders.Unreadable, "Present only when burn rows cannot be read (changed outside the platform): their ids, percent-encoded and comma-separated, the first 100. They are left out of the body and never acted on.")
            .RequireRoles("only finance may list burns", PartnerRole.Finance);

    public static async Task<Results<JsonHttpResult<IReadOnlyList<BurnView>>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpRequest request, BurnStore burns, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        string? invoiceId = request.Query["invoiceId"];
        invoiceId = string.IsNullOrEmpty(invoiceId) ? null : invoiceId;
        var list = await burns.ListAsync(invoiceId, cancellationToken).ConfigureAwait(false);
        if (list.Unreadable.Count > 0)
        {
            if (invoiceId is not null)
            {
                // The burn of one invoice: an empty or partial array would say it has none.
                return ApiProblems.StorageIntegrity("Stored burn unreadable",
                    $"the burn of invoice '{invoiceId}' cannot be read, so it is not shown and not executed: " +
                    string.Join("; ", list.Unreadable.Select(u => $"{u.Id}: {u.Reason}")));
            }

            // The array has no room for them; the header names them (BurnListHeaders.Unreadable) and reconcile says why.
            request.HttpContext.Response.Headers[BurnListHeaders.Unreadable] = UnreadableRowsHeader.Format(list.Unreadable.Select(u => u.Id));
        }

        return TypedResults.Json<IReadOnlyList<BurnView>>([.. list.Items.Select(ToView)], BillingJsonContext.Default.IReadOnlyListBurnView);
    }

    public static BurnView ToView(BurnIntent burn)
    {
        ArgumentNullException.ThrowIfNull(burn);
        return new BurnView(
            burn.Id,
            burn.InvoiceId,
            burn.UsdMinor,
            burn.Price?.ToString(),
            burn.TokenAmount.ToString(CultureInfo.InvariantCulture), // u64: a string so JSON readers lose nothing
            burn.Decimals,
            burn.Status.ToString().ToLowerInvariant(),
            burn.Signature,
            BurnMarker.AddressIn(burn.Transaction)?.ToString(),
            burn.Slot,
            burn.Payer,
            burn.Currency,
            burn.Mint,
            burn.Memo,
            burn.Reason,
            burn.Signings,
            burn.CreatedAt,
            burn.UpdatedAt,
            [.. burn.Releases.Select(r => new BurnReleaseView(r.By, r.At, r.AmountMinor, r.KeptMinor, r.Note))],
            burn.ReleasedBy,
            burn.ReleasedAt,
            burn.ReleaseNote);
    }
}
