using Billing.Solana.Keys;
using Billing.Solana.Rpc;

namespace Billing.Functions.Tests.Burns;

/// <summary>Stripe → platform → Solana through the DevHost: the money path as a user runs it locally.</summary>
[Collection(PlatformCollections.Payments)]
public class PaymentFlowTests(PlatformFixture platform)
{
    private const string Secret = "whsec_dev_local_only";

    private static string PreviousPeriod(out string compact)
    {
        var now = DateTimeOffset.UtcNow;
        var start = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(-1);
        compact = start.ToString("yyyyMM");
        return start.ToString("yyyy-MM");
    }

    private async Task<string> CloseAndGetTenantInvoiceAsync()
    {
        string period = PreviousPeriod(out string compact);
        using var close = await platform.Client.SendAsync(platform.Request(HttpMethod.Post, $"api/v1/periods/{period}/close?force=true", PlatformFixture.FinanceKey));
        Assert.Equal(HttpStatusCode.OK, close.StatusCode);
        return $"INV-tenant-lab-{compact}";
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostWebhookAsync(string payload, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/stripe/webhook") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (signature is not null)
        {
            request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        }

        using var response = await platform.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    private async Task<JsonArray> BurnsAsync(string invoiceId)
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, $"api/v1/burns?invoiceId={invoiceId}", PlatformFixture.FinanceKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }

    [Fact]
    public async Task Webhook_SignedInvoicePaid_BurnsExactlyOnceAndReplayIsANoOp()
    {
        string invoiceId = await CloseAndGetTenantInvoiceAsync();
        var invoice = JsonNode.Parse(await (await platform.Client.SendAsync(platform.Request(HttpMethod.Get, $"api/v1/invoices/{invoiceId}", PlatformFixture.FinanceKey))).Content.ReadAsStringAsync())!;
        long totalMinor = invoice["totalMinor"]!.GetValue<long>();
        var rpc = platform.Localnet.CreateClient();
        var mint = new PublicKey(platform.Localnet.Info.Mint);
        ulong supplyBefore = (await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, CancellationToken.None)).Amount;

        string eventId = "evt_" + Guid.NewGuid().ToString("N");
        string payload = StripeTestEvents.InvoicePaid(eventId, "in_test_1", invoiceId, totalMinor, "usd", "cus_test_1", DateTimeOffset.UtcNow);
        var (status, body) = await PostWebhookAsync(payload, StripeWebhookSigner.Sign(payload, Secret, DateTimeOffset.UtcNow));
        var (replayStatus, replay) = await PostWebhookAsync(payload, StripeWebhookSigner.Sign(payload, Secret, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(body!["replay"]!.GetValue<bool>());
        Assert.Equal(HttpStatusCode.OK, replayStatus);
        Assert.True(replay!["replay"]!.GetValue<bool>());
        Assert.Equal(body["burnId"]!.GetValue<string>(), replay["burnId"]!.GetValue<string>());

        JsonNode burn = null!;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            burn = Assert.Single(await BurnsAsync(invoiceId))!;
            if (burn["status"]!.GetValue<string>() is "finalized" or "failed")
            {
                break;
            }

            await Task.Delay(500);
        }

        Assert.Equal("finalized", burn["status"]!.GetValue<string>());
        ulong tokens = ulong.Parse(burn["tokenAmount"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(checked((ulong)totalMinor * 100_000_000UL / 250UL), tokens); // 2.50 USD/token, 8 decimals
        var tx = await rpc.GetTransactionAsync(burn["signature"]!.GetValue<string>(), Commitment.Confirmed, CancellationToken.None);
        // What this transaction took out of the mint's accounts in all: burned, not moved. The mint's supply is shared with the
        // other platforms' burns running at the same time, so it only bounds this one.
        ulong Sum(IEnumerable<TokenBalance> balances) => balances.Where(b => b.Mint == mint.ToString()).Aggregate(0UL, (sum, b) => checked(sum + b.UiTokenAmount.Amount));
        Assert.Equal(tokens, Sum(tx!.Meta!.PreTokenBalances) - Sum(tx.Meta.PostTokenBalances));
        Assert.True((await rpc.GetTokenSupplyAsync(mint, Commitment.Confirmed, CancellationToken.None)).Amount <= supplyBefore - tokens);
        Assert.Contains(tx.Meta.LogMessages, l => l.Contains($"billing:burn:v1:{invoiceId}:", StringComparison.Ordinal));
        var paid = JsonNode.Parse(await (await platform.Client.SendAsync(platform.Request(HttpMethod.Get, $"api/v1/invoices/{invoiceId}", PlatformFixture.FinanceKey))).Content.ReadAsStringAsync())!;
        Assert.Equal("paid", paid["status"]!.GetValue<string>());

        // The ledger: anchor now (the timer would within a minute), then verify the chain and the memo on chain.
        await platform.AnchorLedgerAsync($"payment:{eventId}");
        var verify = JsonNode.Parse(await (await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/ledger/verify", PlatformFixture.FinanceKey))).Content.ReadAsStringAsync())!;
        Assert.True(verify["ok"]!.GetValue<bool>(), verify.ToJsonString());
        Assert.True(verify["anchors"]!.GetValue<int>() >= 1);
        Assert.True(verify["entries"]!.GetValue<int>() >= 3); // invoice finalized, payment received, tokens burned
        var proof = JsonNode.Parse(await (await platform.Client.SendAsync(platform.Request(HttpMethod.Get, $"api/v1/ledger/proof/payment:{eventId}", PlatformFixture.FinanceKey))).Content.ReadAsStringAsync())!;
        Assert.True(proof["verified"]!.GetValue<bool>(), proof.ToJsonString());
        var reconcile = JsonNode.Parse(await (await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/ledger/reconcile", PlatformFixture.FinanceKey))).Content.ReadAsStringAsync())!;
        // Nothing about the invoice, and its entries (invoice, payment, burn) book what their records make.
        Assert.DoesNotContain(reconcile["mismatches"]!.AsArray(), m => m!["subject"]!.GetValue<string>() is var subject
            && (subject.Contains(invoiceId, StringComparison.Ordinal) || subject == $"payment:{eventId}"));
        var balances = JsonNode.Parse(await (await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/ledger/balances?payer=tenant-lab", PlatformFixture.TenantKey))).Content.ReadAsStringAsync())!;
        Assert.Contains(balances["balances"]!.AsArray(), b => b!["account"]!.GetValue<string>() == "receivable:tenant-lab" && b["amount"]!.GetValue<string>() == "0");
    }

    public static TheoryData<string> BadSignatures() => ["tampered", "stale", "wrong-secret", "missing", "garbage"];

    [Theory]
    [MemberData(nameof(BadSignatures))]
    public async Task Webhook_BadSignature_Returns400AndStoresNothing(string kind)
    {
        string invoiceId = $"INV-carrier-other-{DateTimeOffset.UtcNow:yyyyMM}";
        string payload = StripeTestEvents.InvoicePaid("evt_" + Guid.NewGuid().ToString("N"), "in_bad", invoiceId, 500, "usd", "cus_bad", DateTimeOffset.UtcNow);
        string? signature = kind switch
        {
            "tampered" => StripeWebhookSigner.Sign(payload, Secret, DateTimeOffset.UtcNow),
            "stale" => StripeWebhookSigner.Sign(payload, Secret, DateTimeOffset.UtcNow.AddSeconds(-301)),
            "wrong-secret" => StripeWebhookSigner.Sign(payload, "whsec_someone_else", DateTimeOffset.UtcNow),
            "garbage" => "t=abc,v1=zzz",
            _ => null,
        };
        if (kind == "tampered")
        {
            string tampered = payload.Replace("in_bad", "in_evil", StringComparison.Ordinal);
            Assert.NotEqual(payload, tampered);
            payload = tampered;
        }

        var (status, body) = await PostWebhookAsync(payload, signature);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(400, body!["status"]!.GetValue<int>());
        Assert.Empty(await BurnsAsync(invoiceId));
    }

    private async Task<(HttpStatusCode Status, JsonNode? Body)> PostWebhookBytesAsync(byte[] payload, string signature)
    {
        using var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/stripe/webhook") { Content = content };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature);
        using var response = await platform.Client.SendAsync(request);
        string text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonNode.Parse(text) : null);
    }

    [Fact]
    public async Task Webhook_SignatureIsOverTheRawBytes_BomSignedIsAcceptedBomAddedLaterIsRejected()
    {
        string invoiceId = $"INV-nobody-{DateTimeOffset.UtcNow:yyyyMM}";
        string text = StripeTestEvents.InvoicePaid("evt_" + Guid.NewGuid().ToString("N"), "in_bom", invoiceId, 500, "usd", "cus_bom", DateTimeOffset.UtcNow);
        byte[] withBom = [.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes(text)];

        var (signedRaw, body) = await PostWebhookBytesAsync(withBom, StripeWebhookSigner.Sign(withBom, Secret, DateTimeOffset.UtcNow));
        var (bomAddedLater, _) = await PostWebhookBytesAsync(withBom, StripeWebhookSigner.Sign(text, Secret, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.OK, signedRaw);
        Assert.Equal(("unapplied", "UnknownInvoice"), (body!["resolution"]!.GetValue<string>(), body["reason"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, bomAddedLater);
        Assert.Empty(await BurnsAsync(invoiceId));
    }

    [Theory]
    [InlineData(-1000L, "usd", "MalformedAmount")]
    [InlineData(10_000L, "eur", "CurrencyMismatch")]
    [InlineData(10_000L, "xyz", "UnknownCurrency")]
    public async Task Webhook_PaymentThatDoesNotMatchTheInvoice_200UnappliedNoBurnInvoiceUnchangedAndReconciled(long amount, string currency, string reason)
    {
        string invoiceId = await CloseAndGetTenantInvoiceAsync();
        var before = JsonNode.Parse(await (await platform.Client.SendAsync(platform.Request(HttpMethod.Get, $"api/v1/invoices/{invoiceId}", PlatformFixture.FinanceKey))).Content.ReadAsStringAsync())!;
        int burnsBefore = (await BurnsAsync(invoiceId)).Count;
        string eventId = "evt_" + Guid.NewGuid().ToString("N");
        string payload = StripeTestEvents.InvoicePaid(eventId, "in_mismatch_" + currency, invoiceId, amount, currency, "cus_test_1", DateTimeOffset.UtcNow);

        var (status, body) = await PostWebhookAsync(payload, StripeWebhookSigner.Sign(payload, Secret, DateTimeOffset.UtcNow));
        var (replayStatus, replay) = await PostWebhookAsync(payload, StripeWebhookSigner.Sign(payload, Secret, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("unapplied", reason), (body!["resolution"]!.GetValue<string>(), body["reason"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.OK, replayStatus);
        Assert.True(replay!["replay"]!.GetValue<bool>());
        Assert.Equal(burnsBefore, (await BurnsAsync(invoiceId)).Count);
        var after = JsonNode.Parse(await (await platform.Client.SendAsync(platform.Request(HttpMethod.Get, $"api/v1/invoices/{invoiceId}", PlatformFixture.FinanceKey))).Content.ReadAsStringAsync())!;
        Assert.Equal(before["status"]!.GetValue<string>(), after["status"]!.GetValue<string>());
        var reconcile = JsonNode.Parse(await (await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/ledger/reconcile", PlatformFixture.FinanceKey))).Content.ReadAsStringAsync())!;
        Assert.Contains(reconcile["mismatches"]!.AsArray(), m => m!["subject"]!.GetValue<string>() == eventId && m["kind"]!.GetValue<string>().StartsWith("Payment", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Webhook_UnrelatedEvent_Returns200AndIsIgnored()
    {
        string payload = StripeTestEvents.CustomerCreated("evt_" + Guid.NewGuid().ToString("N"), "cus_new", DateTimeOffset.UtcNow);

        var (status, body) = await PostWebhookAsync(payload, StripeWebhookSigner.Sign(payload, Secret, DateTimeOffset.UtcNow));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(body!["ignored"]);
    }

    [Fact]
    public async Task Burns_NonFinance_IsForbidden()
    {
        using var response = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, "api/v1/burns", PlatformFixture.CarrierKey));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
