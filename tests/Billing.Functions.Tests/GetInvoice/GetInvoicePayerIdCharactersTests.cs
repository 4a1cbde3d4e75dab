namespace Billing.Functions.Tests.GetInvoice;

/// <summary>
/// GET /api/v1/invoices/{id} (JSON, CSV, PDF) and the ledger proof link of its JSON, for payers whose ids hold characters
/// a URL path or a Content-Disposition header must encode, through the DevHost as clients call it.
/// </summary>
[Collection(PlatformCollections.PayerIdCharacters)]
public class GetInvoicePayerIdCharactersTests(PayerIdCharactersPlatform fixture)
{
    public static TheoryData<string, string> UrlPayers() => Data(PayerIdCharactersPlatform.UrlPayers);

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
    [MemberData(nameof(UrlPayers))]
    public async Task GetInvoice_PayerIdNeedsEncodingInAPath_ThePayerReadsItsInvoiceDocumentsAndProofLink(string payer, string key)
    {
        var id = await fixture.StoreBookedInvoiceAsync(payer);
        string path = $"api/v1/invoices/{Uri.EscapeDataString(id.ToString())}";

        using var json = await Platform.Client.SendAsync(Platform.Request(HttpMethod.Get, path, key));
        string body = await json.Content.ReadAsStringAsync();
        Assert.True(json.StatusCode == HttpStatusCode.OK, $"{(int)json.StatusCode}: {body}"); // before, for '/': 403, the id read as "…%2F…"
        var invoice = JsonNode.Parse(body)!;
        Assert.Equal(id.ToString(), invoice["id"]!.GetValue<string>());
        foreach (string format in new[] { "csv", "pdf" })
        {
            using var document = await Platform.Client.SendAsync(Platform.Request(HttpMethod.Get, $"{path}?format={format}", key));
            Assert.True(document.StatusCode == HttpStatusCode.OK, $"{format}: {(int)document.StatusCode}: {await document.Content.ReadAsStringAsync()}");
        }

        // The proof link of the JSON: the entry is booked, not anchored, so 409 naming it (a 404 would be the id misread).
        string proof = invoice["ledger"]!["proof"]!.GetValue<string>();
        using var proved = await Platform.Client.SendAsync(Platform.Request(HttpMethod.Get, proof.TrimStart('/'), key));
        string problem = await proved.Content.ReadAsStringAsync();
        Assert.True(proved.StatusCode == HttpStatusCode.Conflict, $"{(int)proved.StatusCode}: {problem}");
        Assert.Contains(LedgerEntries.InvoiceFinalizedId(id.ToString()), JsonNode.Parse(problem)!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
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
