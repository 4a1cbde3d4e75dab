namespace Billing.Functions.Http;

/// <summary>A CSV download (<c>text/csv; charset=utf-8</c>, <c>Content-Disposition</c>: <see cref="AttachmentDisposition"/>).</summary>
public sealed class CsvResult(string csv, string fileName) : IResult
{
    public string FileName => fileName;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.ContentType = "text/csv; charset=utf-8";
        httpContext.Response.Headers.ContentDisposition = AttachmentDisposition.For(fileName);
        return httpContext.Response.WriteAsync(csv, httpContext.RequestAborted);
    }
}
