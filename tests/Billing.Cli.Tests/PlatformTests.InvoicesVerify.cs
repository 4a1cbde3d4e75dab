namespace Billing.Cli.Tests;

/// <summary>
/// <c>billing invoices verify</c> against a platform that lies about an invoice it anchored: the real proof and the real
/// chain, but the invoice shown altered on the way (a compromised platform, or a plain-http URL). The entry on chain books
/// the invoice as finalized; any figure shown otherwise fails the verify.
/// </summary>
public sealed partial class PlatformTests
{
    [Theory]
    [InlineData("none")]
    [InlineData("currency")]
    [InlineData("total")]
    [InlineData("payer")]
    [InlineData("meter")]
    [InlineData("forged-meter")] // no account can be named after it: a verdict, not a crash
    public async Task InvoicesVerify_InvoiceShownAlteredOnTheWay_FailsNamingWhatDiffers(string altered)
    {
        var (_, invoiceId) = await SendAndCloseAsync(708);
        await platform.AnchorLedgerAsync("invoice-finalized:" + invoiceId);

        var (invoiceJson, proofJson) = await InvoiceAndProofAsync(invoiceId);
        var invoice = JsonNode.Parse(invoiceJson)!;
        string expected = altered switch
        {
            "currency" => Alter(invoice, "currency", invoice["currency"]!.GetValue<string>() == "EUR" ? "USD" : "EUR", "books currency"),
            "total" => Alter(invoice, "total", "1" + invoice["total"]!.GetValue<string>(), "shows total"),
            "payer" => Alter(invoice, "payer", "carrier-other", "shows payer carrier-other"),
            "meter" => Alter(invoice["lines"]![0]!, "meter", "compute.gpu_seconds", "revenue:compute.gpu_seconds"),
            "forged-meter" => Alter(invoice["lines"]![0]!, "meter", "no such meter", "cannot be read as one the platform books"),
            _ => "",
        };
        await using var liar = await StubServer.StartAsync((r, _) =>
            r.PathAndQuery.Contains("/proof", StringComparison.Ordinal) ? (200, "application/json", proofJson)
            : r.PathAndQuery.StartsWith("/api/v1/invoices/", StringComparison.Ordinal) ? (200, "application/json", invoice.ToJsonString())
            : (404, "application/problem+json", """{"title":"Not found","status":404}"""));

        var result = await CliHarness.RunAsync(["invoices", "verify", invoiceId, "--rpc", platform.Localnet.RpcUrl.ToString(),
            "--authority", platform.Localnet.Info.TreasuryOwner, "--ledger", platform.TablePrefix, "--url", liar.Url, "--key", PlatformFixture.CarrierKey]);

        if (altered == "none")
        {
            Assert.True(result.ExitCode == 0, result.ToString()); // the stub passes the truth through unchanged
            Assert.Contains($"verify {invoiceId}: ok", result.Out, StringComparison.Ordinal);
        }
        else
        {
            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Contains(expected, result.Out, StringComparison.Ordinal);
        }
    }

    /// <summary>Sets <paramref name="name"/> of <paramref name="node"/>; the words the verify's finding must hold.</summary>
    private static string Alter(JsonNode node, string name, string value, string finding)
    {
        node[name] = value;
        return finding;
    }

    private async Task<(string Invoice, string Proof)> InvoiceAndProofAsync(string invoiceId)
    {
        using var request = platform.Request(HttpMethod.Get, "api/v1/invoices/" + invoiceId, PlatformFixture.CarrierKey);
        using var response = await platform.Client.SendAsync(request);
        string invoice = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, invoice);
        string proofPath = JsonNode.Parse(invoice)!["ledger"]!["proof"]!.GetValue<string>();
        using var proofRequest = platform.Request(HttpMethod.Get, proofPath.TrimStart('/'), PlatformFixture.CarrierKey);
        using var proofResponse = await platform.Client.SendAsync(proofRequest);
        string proof = await proofResponse.Content.ReadAsStringAsync();
        Assert.True(proofResponse.IsSuccessStatusCode, proof);
        return (invoice, proof);
    }
}
