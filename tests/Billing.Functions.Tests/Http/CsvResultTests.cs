namespace Billing.Functions.Tests.Http;

/// <summary>The CSV download as ASP.NET Core writes it: the bytes a spreadsheet opens.</summary>
public class CsvResultTests
{
    // Excel takes a CSV without a byte order mark for the machine's code page: a payer id beyond ASCII read as mojibake.
    [Fact]
    public async Task ExecuteAsync_Csv_Utf8WithAByteOrderMarkAndSaysSo()
    {
        var context = new DefaultHttpContext();
        using var body = new MemoryStream();
        context.Response.Body = body;

        await new CsvResult("invoice_id,payer\r\nINV-zürich-202610,zürich\r\n", "INV-zürich-202610.csv").ExecuteAsync(context);

        Assert.Equal("text/csv; charset=utf-8", context.Response.ContentType);
        Assert.Equal([0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("invoice_id,payer\r\nINV-zürich-202610,zürich\r\n")], body.ToArray());
    }
}
