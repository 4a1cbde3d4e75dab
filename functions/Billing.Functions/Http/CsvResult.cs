namespace Billing.Functions.Http;

/// <summary>
/// A CSV download (<c>text/csv; charset=utf-8</c>, <c>Content-Disposition</c>: <see cref="AttachmentDisposition"/>), UTF-8
/// after a byte order mark: without one, Excel reads the file in the machine's code page and a payer id beyond ASCII is mojibake.
/// </summary>
public sealed class CsvResult(string csv, string fileName) : IResult
{
    public string FileName => fileName;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.ContentType = "text/csv; charset=utf-8";
        httpContext.Response.Headers.ContentDisposition = AttachmentDisposition.For(fileName);
        return WriteAsync(httpContext.Response, csv, httpContext.RequestAborted);
    }

    private static async Task WriteAsync(HttpResponse response, string csv, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.Preamble.ToArray(), cancellationToken).ConfigureAwait(false);
        await response.WriteAsync(csv, cancellationToken).ConfigureAwait(false);
    }
}
