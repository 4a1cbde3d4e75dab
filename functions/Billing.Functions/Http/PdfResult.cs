namespace Billing.Functions.Http;

/// <summary>A PDF download: <c>application/pdf</c>, <c>Content-Disposition</c>: <see cref="AttachmentDisposition"/>, the bytes as they are.</summary>
public sealed class PdfResult(byte[] pdf, string fileName) : IResult
{
    public string FileName => fileName;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.ContentType = Billing.Documents.Invoices.InvoicePdf.ContentType;
        response.ContentLength = pdf.Length;
        response.Headers.ContentDisposition = AttachmentDisposition.For(fileName);
        await response.Body.WriteAsync(pdf, httpContext.RequestAborted).ConfigureAwait(false);
    }
}
