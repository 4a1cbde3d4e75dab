namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// GET /api/v1/invoices/{id} as a PDF through the DevHost, read back by pdf.js. A platform of its own (a class fixture):
/// this test closes the month and pays the carrier's invoice, which no other test may race.
/// </summary>
public class InvoicePdfApiTests(PlatformFixture platform) : IClassFixture<PlatformFixture>
{
    private async Task<(HttpStatusCode Status, string? Type, string? Disposition, byte[] Body, string? ContentTypeOptions)> GetAsync(string path, string key, string? accept = null)
    {
        using var request = platform.Request(HttpMethod.Get, path, key);
        if (accept is not null)
        {
            request.Headers.Add("Accept", accept);
        }

        using var response = await platform.Client.SendAsync(request);
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentDisposition?.ToString(),
            await response.Content.ReadAsByteArrayAsync(), response.Headers.TryGetValues("X-Content-Type-Options", out var options) ? string.Join(",", options) : null);
    }

    private async Task<JsonNode> JsonAsync(string path) =>
        JsonNode.Parse(Encoding.UTF8.GetString((await GetAsync(path, PlatformFixture.FinanceKey)).Body))!;

    [Fact]
    public async Task GetInvoice_Pdf_OwnerAndFinanceGetTheDocumentWithTotalsBurnAndLedger()
    {
        var end = new DateTimeOffset(DateTimeOffset.UtcNow.Year, DateTimeOffset.UtcNow.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var start = end.AddMonths(-1);
        string period = start.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        string id = $"INV-carrier-tmo-{start:yyyyMM}";
        string hotspot = PlatformFixture.NewHotspot();
        using var usage = await platform.PostUsageAsync(PlatformFixture.CarrierKey, new JsonArray(
            SampleEvents.Carrier($"pdf-{hotspot}-1", hotspot, 100_000_000_000, 23_456_789_000, end.AddHours(-3)))); // 1,234,568 DC → 12.35 USD
        Assert.Equal(HttpStatusCode.Accepted, usage.StatusCode);
        await platform.DrainAsync();
        using var close = await platform.Client.SendAsync(platform.Request(HttpMethod.Post, $"api/v1/periods/{period}/close?force=true", PlatformFixture.FinanceKey));
        Assert.Equal(HttpStatusCode.OK, close.StatusCode);

        using var rename = platform.Request(HttpMethod.Patch, "api/v1/partners/carrier-tmo", PlatformFixture.FinanceKey);
        rename.Content = new StringContent("""{"displayName":"T-Mobile Offload"}""", Encoding.UTF8, "application/json");
        using var renamed = await platform.Client.SendAsync(rename);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);

        var byAccept = await GetAsync($"api/v1/invoices/{id}", PlatformFixture.FinanceKey, "application/pdf");
        var byQuery = await GetAsync($"api/v1/invoices/{id}?format=pdf", PlatformFixture.CarrierKey);
        var stranger = await GetAsync($"api/v1/invoices/{id}?format=pdf", PlatformFixture.TenantKey);
        var unknown = await GetAsync($"api/v1/invoices/{id}?format=xml", PlatformFixture.FinanceKey);

        Assert.Equal((HttpStatusCode.OK, "application/pdf"), (byAccept.Status, byAccept.Type));
        Assert.Equal($"attachment; filename=\"{id}.pdf\"", byAccept.Disposition);
        Assert.Equal("nosniff", byAccept.ContentTypeOptions);
        Assert.Equal((HttpStatusCode.OK, "application/pdf"), (byQuery.Status, byQuery.Type));
        Assert.Equal((HttpStatusCode.Forbidden, "application/problem+json"), (stranger.Status, stranger.Type));
        Assert.False(Encoding.ASCII.GetString(stranger.Body).StartsWith("%PDF", StringComparison.Ordinal));
        Assert.Equal((HttpStatusCode.BadRequest, "application/problem+json"), (unknown.Status, unknown.Type));
        Assert.Contains("\"format\"", Encoding.UTF8.GetString(unknown.Body), StringComparison.Ordinal);
        string text = (await PdfText.ReadAsync(byAccept.Body)).All;
        foreach (string expected in new[] { id, "carrier-tmo", period, "finalized", "1,234,568", "12.35", "12.35 USD", "123,456,789,000 bytes", "1,234,568 DC", $"invoice-finalized:{id}", "T-Mobile Offload (carrier-tmo)" })
        {
            Assert.Contains(expected, text, StringComparison.Ordinal);
        }

        Assert.Contains(id, (await PdfText.ReadAsync(byQuery.Body)).All, StringComparison.Ordinal);

        // Paid: the payment, the burn (exact token amount, signature) and, once anchored, the anchor on the document.
        string eventId = "evt_" + Guid.NewGuid().ToString("N");
        string payload = StripeTestEvents.InvoicePaid(eventId, "in_pdf_1", id, 1235, "usd", "cus_pdf_1", DateTimeOffset.UtcNow);
        using var webhook = await platform.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "api/v1/stripe/webhook")
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
            Headers = { { "Stripe-Signature", StripeWebhookSigner.Sign(payload, "whsec_dev_local_only", DateTimeOffset.UtcNow) } },
        });
        Assert.Equal(HttpStatusCode.OK, webhook.StatusCode);
        JsonNode burn = null!;
        for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(500))
        {
            burn = (await JsonAsync($"api/v1/burns?invoiceId={id}")).AsArray().Single()!;
            if (burn["status"]!.GetValue<string>() is "finalized" or "failed")
            {
                break;
            }
        }

        Assert.Equal("finalized", burn["status"]!.GetValue<string>());
        await platform.AnchorLedgerAsync($"invoice-finalized:{id}");
        var proof = await JsonAsync($"api/v1/ledger/proof/invoice-finalized:{id}");
        var paid = await GetAsync($"api/v1/invoices/{id}?format=pdf", PlatformFixture.CarrierKey);
        string paidText = (await PdfText.ReadAsync(paid.Body)).All;
        foreach (string expected in new[]
        {
            "paid", eventId, "4.94000000 tokens (494000000 base units, 8 decimals)", burn["signature"]!.GetValue<string>(),
            proof["hash"]!.GetValue<string>(), proof["anchor"]!["root"]!.GetValue<string>(), proof["anchor"]!["signature"]!.GetValue<string>(),
        })
        {
            Assert.Contains(expected, paidText, StringComparison.Ordinal);
        }
    }
}
