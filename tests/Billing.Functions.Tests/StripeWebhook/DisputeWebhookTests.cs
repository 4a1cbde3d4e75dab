namespace Billing.Functions.Tests.StripeWebhook;

/// <summary>
/// Disputes (chargebacks) through the DevHost as Stripe sends them, signed: an event lacking a field is answered 200 and
/// reported, never 400 (Stripe would retry it for days); a dispute delivered before its invoice's payment is placed when the
/// payment arrives and holds the burn until Stripe closes it won. Each test has a payer of its own and invoices of 2015 (a
/// year no other test uses).
/// </summary>
[Collection(PlatformCollections.Payments)]
public class DisputeWebhookTests(PlatformFixture platform)
{
    private readonly SignedStripe stripe = new(platform);

    [Fact]
    public async Task Webhook_DisputeLackingItsChargeAndAmount_Answers200RecordedOnceAndReported()
    {
        string suffix = Guid.NewGuid().ToString("N")[..8], dispute = "du_lacking_" + suffix;
        string payload = StripeTestEvents.ChargeDispute("evt_du_lacking_" + suffix, "charge.dispute.created", dispute, "ch_lacking_" + suffix, 1_234, "usd", "needs_response", DateTimeOffset.UtcNow)
            .Replace($"\"charge\": \"ch_lacking_{suffix}\",", "", StringComparison.Ordinal)
            .Replace("\"amount\": 1234,", "", StringComparison.Ordinal);

        var (status, body) = await stripe.PostAsync(payload);
        var (replayStatus, replay) = await stripe.PostAsync(payload);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (status, replayStatus));
        Assert.Equal((dispute, true, false), (body!["disputeId"]!.GetValue<string>(), body["recorded"]!.GetValue<bool>(), replay!["recorded"]!.GetValue<bool>()));
        Assert.Contains("charge is missing", body["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("amount is missing", body["problem"]!.GetValue<string>(), StringComparison.Ordinal);
        var findings = (await stripe.MismatchesAsync()).Where(m => m.Contains($" {dispute}:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["DisputeMalformed", "DisputeUnplaced"], findings.Select(f => f[..f.IndexOf(' ', StringComparison.Ordinal)]));
    }

    [Fact]
    public async Task Webhook_DisputeBeforeThePayment_BurnHeldUntilTheDisputeIsWonThenLandsOnce()
    {
        var (payer, customer, suffix) = await stripe.NewPayerAsync("dsp");
        string id = $"INV-{payer}-201501", synced = "in_dsp_" + suffix, intent = "pi_dsp_" + suffix, dispute = "du_dsp_" + suffix, charge = "ch_dsp_" + suffix;
        await stripe.StoreInvoiceAsync(id, synced, book: true);
        var disputedAt = DateTimeOffset.UtcNow;

        var (opened, openedBody) = await stripe.PostAsync(StripeTestEvents.ChargeDispute("evt_du_open_" + suffix, "charge.dispute.created", dispute, charge, 1_234, "usd", "needs_response", disputedAt, intent));
        Assert.Equal((HttpStatusCode.OK, null), (opened, openedBody!["invoiceId"]?.GetValue<string>())); // no payment of ours names the intent yet
        var (paid, _) = await stripe.PostAsync(StripeTestEvents.InvoicePaid("evt_dsp_paid_" + suffix, synced, id, 1_234, "usd", customer, disputedAt.AddSeconds(1), intent));
        Assert.Equal(HttpStatusCode.OK, paid);

        var held = await stripe.BurnWhenAsync(id, b => b["status"]!.GetValue<string>() != "pending");
        Assert.Equal("held", held["status"]!.GetValue<string>());
        Assert.Contains($"Stripe dispute {dispute}", held["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains((await stripe.MismatchesAsync()), m => m.StartsWith($"DisputeOpen {dispute}: {id}", StringComparison.Ordinal));

        var (won, wonBody) = await stripe.PostAsync(StripeTestEvents.ChargeDispute("evt_du_won_" + suffix, "charge.dispute.closed", dispute, charge, 1_234, "usd", "won", disputedAt.AddMinutes(1), intent));
        Assert.Equal((HttpStatusCode.OK, "won", id), (won, wonBody!["status"]!.GetValue<string>(), wonBody["invoiceId"]!.GetValue<string>()));
        // An update Stripe made before the close, delivered after it, does not reopen it.
        await stripe.PostAsync(StripeTestEvents.ChargeDispute("evt_du_late_" + suffix, "charge.dispute.updated", dispute, charge, 1_234, "usd", "under_review", disputedAt.AddSeconds(30), intent));

        var burn = await stripe.BurnWhenAsync(id, b => b["status"]!.GetValue<string>() is "finalized" or "failed");
        Assert.Equal("finalized", burn["status"]!.GetValue<string>());
        Assert.DoesNotContain(await stripe.MismatchesAsync(), m => m.Contains(dispute, StringComparison.Ordinal));
    }
}
