namespace Billing.Functions.Tests.GetInvoice;

/// <summary>
/// GET /api/v1/invoices/{id} (CSV, PDF) for payers whose ids hold characters a Content-Disposition header must encode,
/// through the DevHost as clients call it.
/// </summary>
[Collection(PlatformCollections.PayerIdCharacters)]
public class GetInvoicePayerIdCharactersTests(PayerIdCharactersPlatform fixture)
{
    public static TheoryData<string, string> HeaderPayers() => Data(PayerIdCharactersPlatform.HeaderPayers);

    private PlatformFixture Platform => fixture.Platform;

    private static TheoryData<string, string> Data(IEnumerable<(string Id, string Key)> payers)
    {
        var data = new TheoryData<string, string>();
        foreach (var (id, key) in payers)
        {
            data.Add(id, key);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HeaderPayers))]
    public async Task GetInvoice_PayerIdNeedsEncodingInAHeader_DownloadsNameTheFileExactly(string payer, string key)
    {
        var id = await fixture.StoreBookedInvoiceAsync(payer);

        foreach (string format in new[] { "csv", "pdf" })
        {
            using var response = await Platform.Client.SendAsync(Platform.Request(HttpMethod.Get, $"api/v1/invoices/{Uri.EscapeDataString(id.ToString())}?format={format}", key));

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{format}: {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            var disposition = response.Content.Headers.ContentDisposition;
            Assert.NotNull(disposition); // before, for '"': a header no parser reads; for 'é': a 500 (no non-ASCII in headers)
            Assert.Equal("attachment", disposition.DispositionType);
            Assert.Equal($"{id}.{format}", disposition.FileNameStar);                              // RFC 6266 / 5987, UTF-8
            Assert.True(Ascii.IsValid(disposition.FileName!), disposition.FileName);               // the fallback of old clients
        }
    }
}
