namespace Billing.Functions.LedgerBalances;

/// <summary>
/// GET /api/v1/ledger/balances?payer= : finance reads any balances, a payer only its own (payer= its id); a payer that
/// names no partner is a 400 naming it; 409 when an entry row cannot be read.
/// </summary>
public static class LedgerBalancesFunction
{
    private const int MaxPayerLength = 128;

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapLedgerGet<LedgerBalancesResponse>("/api/v1/ledger/balances", "LedgerBalances", HandleAsync, LedgerContract.FinanceAndPayers, StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict)
            .ProducesRowMissingHeader()
            .Query(new QueryParameter("payer", "Only this payer's accounts; a payer must give its own id; one that names no partner is a 400."));

    public static async Task<Results<JsonHttpResult<LedgerBalancesResponse>, JsonHttpResult<ApiProblem>>> HandleAsync(
        HttpContext context, LedgerReader reader, PayerRecords payers, CancellationToken cancellationToken)
    {
        var caller = context.Caller();
        string? payer = context.Request.Query.TryGetValue("payer", out var values) ? values.ToString() : null;
        if (payer is not null && (string.IsNullOrWhiteSpace(payer) || payer.Length > MaxPayerLength || payer.Trim() != payer || payer.Any(char.IsControl) || values.Count > 1))
        {
            return ApiProblems.BadRequest("payer is not a partner id", new ApiFieldError("payer", $"must be one partner id of 1-{MaxPayerLength} characters without spaces at the ends or control characters"));
        }

        if (caller.Role != PartnerRole.Finance && payer != caller.Id)
        {
            return ApiProblems.Of(StatusCodes.Status403Forbidden, "Forbidden", $"'{caller.Id}' may read only its own balances (payer={caller.Id})");
        }

        if (payer is not null && payer != caller.Id && await PayerQuery.UnknownAsync(payers, context, payer, cancellationToken).ConfigureAwait(false) is { } unknown)
        {
            return unknown.ToResult();
        }

        Balances balances;
        try
        {
            balances = await reader.BalancesAsync(payer, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            return LedgerContract.Unreadable(caller.Role, ex.Message); // a sum without that row would be wrong, not partial
        }

        var rows = balances.All
            .OrderBy(b => b.Account, StringComparer.Ordinal).ThenBy(b => b.Asset, StringComparer.Ordinal)
            .Select(b => new LedgerBalance(b.Account, b.Asset, b.Amount.ToString(CultureInfo.InvariantCulture)));
        return TypedResults.Json(new LedgerBalancesResponse(payer, [.. rows]), BillingJsonContext.Default.LedgerBalancesResponse);
    }
}
