using Billing.Documents.Invoices;

namespace Billing.Functions.GetInvoice;

/// <summary>
/// GET /api/v1/invoices/{id}: the invoice JSON (with the Stripe credit notes recorded against it), CSV or PDF document. The
/// payer it bills and finance may read it.
/// </summary>
public sealed partial class GetInvoiceFunction(InvoiceStore invoices, CreditNoteStore credits, InvoiceDocuments documents, ILogger<GetInvoiceFunction> logger)
{
    /// <summary>
    /// Requests of one partner in flight here (<see cref="Http.InFlightPerPartner"/>): a PDF reads a month of rollups and
    /// the covering anchor (its rows and a <c>getTransaction</c> on the RPC quota), and a payer may ask for its own at will.
    /// </summary>
    public const int MaxInFlightPerPartner = 4;

    public static RouteHandlerBuilder Map(IEndpointRouteBuilder app) =>
        app.MapGet("/api/v1/invoices/{id}", (HttpContext http, string id, GetInvoiceFunction f, CancellationToken ct) => f.InvokeAsync(http, id, ct))
            .Produces<InvoiceResponse>(StatusCodes.Status200OK, "application/json")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv", additionalContentTypes: [InvoicePdf.ContentType])
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status500InternalServerError)
            .RequireRoles("only the payer an invoice bills and finance may read it", Enum.GetValues<PartnerRole>()) // the owner rule is below
            .LimitInFlightPerPartner(MaxInFlightPerPartner)
            .JsonAnswer(typeof(InvoiceResponse))
            .Query(InvoiceFormats.Parameter(InvoiceFormat.Json, InvoiceFormat.Csv, InvoiceFormat.Pdf));

    public async Task<Results<JsonHttpResult<InvoiceResponse>, CsvResult, PdfResult, JsonHttpResult<ApiProblem>>> InvokeAsync(HttpContext http, string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        var caller = http.Caller();
        if (InvoiceFormats.Negotiate(http.Request, out var formatProblem, InvoiceFormat.Json, InvoiceFormat.Csv, InvoiceFormat.Pdf) is not { } format)
        {
            return formatProblem!;
        }

        InvoiceId invoiceId;
        try
        {
            invoiceId = InvoiceId.Parse(id);
        }
        catch (FormatException ex)
        {
            return Problem.BadRequest(ex.Message, new FieldError("id", "must look like INV-{payer}-{yyyyMM}")).ToResult();
        }

        // Authorise on the id before reading, so a partner cannot probe which invoices exist.
        if (caller.Role != PartnerRole.Finance && invoiceId.Payer != caller.Id)
        {
            return Problem.Forbidden($"'{caller.Id}' may read only its own invoices").ToResult();
        }

        try
        {
            var invoice = await invoices.GetAsync(invoiceId, cancellationToken).ConfigureAwait(false);
            if (invoice is null)
            {
                return Problem.NotFound($"invoice '{invoiceId}' does not exist (is the period closed?)").ToResult();
            }

            return format switch
            {
                InvoiceFormat.Csv => InvoiceFormats.Csv([invoice], $"{invoiceId}.csv"),
                InvoiceFormat.Pdf => new PdfResult(await documents.RenderPdfAsync(invoice, cancellationToken).ConfigureAwait(false), $"{invoiceId}.pdf"),
                _ => ApiResults.Json(InvoiceResponses.Full(invoice, (await credits.GetStateAsync(invoiceId.ToString(), cancellationToken).ConfigureAwait(false)).State),
                    BillingJsonContext.Default.InvoiceResponse),
            };
        }
        catch (InvalidDataException ex)
        {
            // The invoice row, or a payment or burn its document shows, was changed outside the platform: answered as what it
            // is, never shown in part. Finance gets the row and property; the payer hears it in general terms (and the log has it).
            LogUnreadable(logger, invoiceId.ToString(), ex.Message);
            return ApiProblems.StorageIntegrity("Stored invoice unreadable", caller.Role == PartnerRole.Finance
                ? $"invoice '{invoiceId}' cannot be shown: {ex.Message}"
                : $"invoice '{invoiceId}' cannot be shown: its stored data was changed outside this platform; finance has been told");
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Invoice {InvoiceId} cannot be shown: {Reason}")]
    private static partial void LogUnreadable(ILogger logger, string invoiceId, string reason);
}
