using System.Globalization;
using System.Text;
using Billing.Domain.Invoicing;

namespace Billing.Functions.Http;

/// <summary>Content negotiation shared by the invoice routes: <c>Accept: text/csv</c> or <c>?format=csv</c>.</summary>
public static class InvoiceFormats
{
    public static bool WantsCsv(HttpRequest request) =>
        string.Equals(request.Query["format"], "csv", StringComparison.OrdinalIgnoreCase)
        || request.Headers.Accept.ToString().Contains("text/csv", StringComparison.OrdinalIgnoreCase);

    public static CsvResult Csv(IEnumerable<Invoice> invoices, string fileName)
    {
        var writer = new StringWriter(new StringBuilder(), CultureInfo.InvariantCulture);
        InvoiceCsv.Write(writer, invoices);
        return new CsvResult(writer.ToString(), fileName);
    }
}
