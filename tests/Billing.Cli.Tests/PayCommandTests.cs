using System.Security.Cryptography;
using System.Text;
using Billing.StripeSimulator;

namespace Billing.Cli.Tests;

/// <summary><c>billing pay</c> against a loopback stub: the signed <c>invoice.paid</c> it posts for an invoice, as Stripe would.</summary>
public sealed class PayCommandTests
{
    [Fact]
    public async Task Pay_PostsSignedInvoicePaidForTheInvoiceTotal()
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>
        {
            ["GET /api/v1/invoices/INV-carrier-tmo-202610"] = (200, StubCommandTests.Invoice),
            ["POST /api/v1/stripe/webhook"] = (200, """{"received":true}"""),
        });

        var result = await CliHarness.RunAsync("pay", "INV-carrier-tmo-202610", "--url", server.Url);

        Assert.True(result.ExitCode == 0, result.ToString());
        var webhook = server.Requests.Single(r => r.Method == "POST");
        var payload = JsonNode.Parse(webhook.Body)!;
        Assert.Equal("invoice.paid", (string?)payload["type"]);
        Assert.Equal(12, (long)payload["data"]!["object"]!["amount_paid"]!);
        Assert.Equal("INV-carrier-tmo-202610", (string?)payload["data"]!["object"]!["metadata"]!["billing_invoice_id"]);

        // The header is what Stripe would send for this exact body and the local secret.
        string header = webhook.Headers["Stripe-Signature"];
        string t = header.Split(',')[0]["t=".Length..];
        string v1 = header.Split(',')[1]["v1=".Length..];
        string expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("whsec_dev_local_only"), Encoding.UTF8.GetBytes(t + "." + webhook.Body)));
        Assert.Equal(expected, v1);
        Assert.Equal(header, StripeWebhookSigner.Sign(webhook.Body, "whsec_dev_local_only", DateTimeOffset.FromUnixTimeSeconds(long.Parse(t, System.Globalization.CultureInfo.InvariantCulture))));
    }

    [Fact]
    public async Task Pay_AmountOverride_IsUsed()
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>
        {
            ["GET /api/v1/invoices/INV-carrier-tmo-202610"] = (200, StubCommandTests.Invoice),
            ["POST /api/v1/stripe/webhook"] = (200, "{}"),
        });

        var result = await CliHarness.RunAsync("pay", "INV-carrier-tmo-202610", "--amount-minor", "5000", "--url", server.Url);

        Assert.True(result.ExitCode == 0, result.ToString());
        var payload = JsonNode.Parse(server.Requests.Single(r => r.Method == "POST").Body)!;
        Assert.Equal(5000, (long)payload["data"]!["object"]!["amount_paid"]!);
    }

    [Fact]
    public async Task Pay_WebhookRejected_Exits1()
    {
        await using var server = await StubServer.RoutesAsync(new Dictionary<string, (int, string)>
        {
            ["GET /api/v1/invoices/INV-carrier-tmo-202610"] = (200, StubCommandTests.Invoice),
            ["POST /api/v1/stripe/webhook"] = (400, """{"title":"Bad signature","status":400,"detail":"no v1 signature matches"}"""),
        });

        var result = await CliHarness.RunAsync("pay", "INV-carrier-tmo-202610", "--webhook-secret", "whsec_wrong", "--url", server.Url);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no v1 signature matches", result.Error, StringComparison.Ordinal);
    }
}
