using System.Text;
using System.Text.Json.Nodes;
using Billing.Domain;
using Billing.Domain.Invoicing;
using Billing.Domain.Partners;
using Billing.Functions.Infrastructure;
using Billing.Functions.Invoicing;
using Billing.Storage;

namespace Billing.Functions.ListInvoices;

/// <summary>GET /api/v1/invoices?period=&amp;payer=[&amp;format=csv]: summaries, or a whole period's lines as CSV. Payers see their own.</summary>
public sealed class ListInvoicesFunction(PartnerDirectory partners, InvoiceStore invoices)
{
    public async Task<IResult> InvokeAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var caller = await partners.AuthenticateAsync(request, cancellationToken).ConfigureAwait(false);
        if (caller is null)
        {
            return Problem.Unauthorized().ToResult();
        }

        if (caller.Role == PartnerRole.Provider)
        {
            return Problem.Forbidden("providers are not billed; invoices belong to payers and finance").ToResult();
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
        if (InvoiceFormats.WantsCsv(request))
        {
            return InvoiceFormats.Csv(list, $"invoices-{period?.ToString() ?? "all"}.csv");
        }

        return Results.Text(new JsonObject { ["invoices"] = InvoiceSummary.ToJson(list) }.ToJsonString(), "application/json");
    }
}

/// <summary>Content negotiation shared by the invoice routes: <c>Accept: text/csv</c> or <c>?format=csv</c>.</summary>
public static class InvoiceFormats
{
    public static bool WantsCsv(HttpRequest request) =>
        string.Equals(request.Query["format"], "csv", StringComparison.OrdinalIgnoreCase)
        || request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase);

    public static IResult Csv(IEnumerable<Invoice> invoices, string fileName)
    {
        var writer = new StringWriter(new StringBuilder(), System.Globalization.CultureInfo.InvariantCulture);
        InvoiceCsv.Write(writer, invoices);
        return new CsvResult(writer.ToString(), fileName);
    }

    private sealed class CsvResult(string csv, string fileName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = "text/csv; charset=utf-8";
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            return httpContext.Response.WriteAsync(csv, httpContext.RequestAborted);
        }
    }
}
