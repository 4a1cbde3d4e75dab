namespace Billing.Functions.ListInvoices;

/// <summary>GET /api/v1/invoices?period=&amp;payer=[&amp;format=csv]: summaries, or a whole period's lines as CSV. Payers see their own.</summary>
public sealed partial class ListInvoicesFunction(InvoiceStore invoices, PayerRecords payers, ILogger<ListInvoicesFunction> logger)
{
    /// <summary>What a partner is told about an invoice of its own that cannot be read; the row and property go to the log.</summary>
    public const string PartnerReason = "its stored row was changed outside this platform, so it is not shown and no payment is applied to it; finance has been told";

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/invoices", (HttpContext http, ListInvoicesFunction f, CancellationToken ct) => f.InvokeAsync(http, ct))
            .Produces<InvoiceListResponse>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblems(StatusCodes.Status400BadRequest)
            .Query(
                new("period", "Only invoices of this month (yyyy-MM)."),
                new("payer", "Finance: only this payer's invoices (one that names no partner is a 400); a payer may give only its own id."),
                InvoiceFormats.Parameter(InvoiceFormat.Json, InvoiceFormat.Csv))
            .ProducesRowMissingHeader()
            .ProducesHeader(StatusCodes.Status200OK, InvoiceListHeaders.Unreadable, "CSV answers only, present only when invoice rows cannot be read (changed outside the platform): their ids, percent-encoded and comma-separated, the first 100. The JSON answer lists them in `unreadable`.")
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
        bool finance = caller.Role == PartnerRole.Finance;
        if (!finance)
        {
            if (payer is not null && payer != caller.Id)
            {
                return Problem.Forbidden($"'{caller.Id}' may list only its own invoices").ToResult();
            }

            payer = caller.Id;
        }
        else if (payer is not null && await PayerQuery.UnknownAsync(payers, http, payer, cancellationToken).ConfigureAwait(false) is { } unknown)
        {
            return unknown.ToResult();
        }

        var list = await invoices.ListAsync(period, payer, cancellationToken).ConfigureAwait(false);
        foreach (var bad in list.Unreadable)
        {
            LogUnreadable(logger, bad.Id, bad.Reason);
        }

        // A partner hears only of its own invoices (the row's key names the payer): a row planted with its id as Payer may be another's.
        var unreadable = list.Unreadable
            .Where(u => finance || PayerOf(u.Id) == caller.Id)
            .Select(u => new UnreadableInvoice(u.Id, finance ? u.Reason : PartnerReason))
            .ToList();
        if (format == InvoiceFormat.Csv)
        {
            if (unreadable.Count > 0)
            {
                http.Response.Headers[InvoiceListHeaders.Unreadable] = UnreadableRowsHeader.Format(unreadable.Select(u => u.Id));
            }

            return InvoiceFormats.Csv(list.Items, $"invoices-{period?.ToString() ?? "all"}.csv");
        }

        return ApiResults.Json(new InvoiceListResponse(InvoiceResponses.Summaries(list.Items), unreadable.Count > 0 ? unreadable : null), BillingJsonContext.Default.InvoiceListResponse);
    }

    private static string? PayerOf(string invoiceId)
    {
        try
        {
            return InvoiceId.Parse(invoiceId).Payer;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Invoice {InvoiceId} cannot be read and is left out of the invoice list: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string invoiceId, string reason);
}
