namespace Billing.Functions.ListInvoices;

/// <summary>GET /api/v1/invoices?period=&amp;payer=[&amp;format=csv]: summaries, or a whole period's lines as CSV. Payers see their own.</summary>
public sealed class ListInvoicesFunction(InvoiceStore invoices)
{
    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/invoices", (HttpContext http, ListInvoicesFunction f, CancellationToken ct) => f.InvokeAsync(http, ct))
            .RequireRoles("providers are not billed; invoices belong to payers and finance", PartnerRole.Carrier, PartnerRole.Tenant, PartnerRole.Finance);

    public async Task<Results<JsonHttpResult<InvoiceListResponse>, CsvResult, JsonHttpResult<ApiProblem>>> InvokeAsync(HttpContext http, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var caller = http.Caller();
        var request = http.Request;
        if (InvoiceFormats.Negotiate(request, out var formatProblem, InvoiceFormat.Json, InvoiceFormat.Csv) is not { } format)
        {
            return formatProblem!;
        }

        BillingPeriod? period = null;
        string? periodText = request.Query["period"];
        if (!string.IsNullOrEmpty(periodText))
        {
            if (!BillingPeriod.TryParse(periodText, out var p))
            {
                return Problem.BadRequest($"'{periodText}' is not a period", new FieldError("period", "must be yyyy-MM")).ToResult();
            }

            period = p;
        }

        string? payer = request.Query["payer"];
        payer = string.IsNullOrEmpty(payer) ? null : payer;
        if (caller.Role != PartnerRole.Finance)
        {
            if (payer is not null && payer != caller.Id)
            {
                return Problem.Forbidden($"'{caller.Id}' may list only its own invoices").ToResult();
            }

            payer = caller.Id;
        }

        var list = await invoices.ListAsync(period, payer, cancellationToken).ConfigureAwait(false);
        if (format == InvoiceFormat.Csv)
        {
            return InvoiceFormats.Csv(list, $"invoices-{period?.ToString() ?? "all"}.csv");
        }

        return ApiResults.Json(new InvoiceListResponse(InvoiceResponses.Summaries(list)), BillingJsonContext.Default.InvoiceListResponse);
    }
}
