namespace Billing.Functions.Http;

/// <summary>
/// Content negotiation shared by the invoice routes: <c>?format=json|csv|pdf</c> (case-insensitive) wins, else the
/// <c>Accept</c> header (<c>application/pdf</c>, <c>text/csv</c>), else JSON. An unknown <c>format</c> value is a 400.
/// </summary>
public static class InvoiceFormats
{
    /// <summary>The <c>format</c> parameter of a route that offers <paramref name="offered"/> (<see cref="DeclaredQuery.Query"/>).</summary>
    public static QueryParameter Parameter(params InvoiceFormat[] offered) => new(
        "format",
        "The answer's format, any case; wins over the Accept header (default JSON).",
        Values: [.. offered.Select(f => f.ToString().ToLowerInvariant())]);

    /// <summary>The format asked for among <paramref name="offered"/>, or a problem naming <c>format</c> when the query asks for another.</summary>
    public static InvoiceFormat? Negotiate(HttpRequest request, out JsonHttpResult<ApiProblem>? problem, params InvoiceFormat[] offered)
    {
        ArgumentNullException.ThrowIfNull(request);
        problem = null;
        string? asked = request.Query["format"];
        if (!string.IsNullOrEmpty(asked))
        {
            foreach (var format in offered)
            {
                if (string.Equals(asked, format.ToString(), StringComparison.OrdinalIgnoreCase))
                {
                    return format;
                }
            }

            string allowed = string.Join(", ", offered.Select(f => f.ToString().ToLowerInvariant()));
            problem = ApiProblems.BadRequest($"'{asked}' is not a format of this route", new ApiFieldError("format", $"must be one of {allowed}"));
            return null;
        }

        string accept = request.Headers.Accept.ToString();
        return offered.Contains(InvoiceFormat.Pdf) && accept.Contains(Documents.Invoices.InvoicePdf.ContentType, StringComparison.OrdinalIgnoreCase) ? InvoiceFormat.Pdf
            : accept.Contains("text/csv", StringComparison.OrdinalIgnoreCase) ? InvoiceFormat.Csv
            : InvoiceFormat.Json;
    }

    public static CsvResult Csv(IEnumerable<Invoice> invoices, string fileName)
    {
        var writer = new StringWriter(new StringBuilder(), CultureInfo.InvariantCulture);
        InvoiceCsv.Write(writer, invoices);
        return new CsvResult(writer.ToString(), fileName);
    }
}
