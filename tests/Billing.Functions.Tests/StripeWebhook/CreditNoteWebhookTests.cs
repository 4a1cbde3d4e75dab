namespace Billing.Functions.Tests.StripeWebhook;

/// <summary>
/// Credit notes through the DevHost as Stripe sends them, signed: an invoice of its own (February 2019, a month no other test
/// closes) is paid and burned, then credited and refunded (the note's refund, then one outside any note); the webhook, the
/// invoice JSON and reconcile show it, and nothing is un-burned.
/// Credit notes before payment (March and April 2019): either order settles the invoice for what Stripe collected.
/// A refund outside any note delivered before the payment (May 2019), matched through <c>invoice_payment.paid</c>: the burn is held.
/// A refund before the payment, linked only after it (July and August 2019; September and October
/// 2019 the customer's other invoices): the customer's refund holds the burn until placed.
/// A refund naming its Stripe invoice before the payment, with no link (December 2019): placed under the invoice when paid.
/// </summary>
[Collection(PlatformCollections.Payments)]
public class CreditNoteWebhookTests(PlatformFixture platform)
{
    private const string Id = "INV-carrier-tmo-201902";
    private readonly SignedStripe stripe = new(platform);

    private Task<(HttpStatusCode Status, JsonNode? Body)> PostAsync(string payload) => stripe.PostAsync(payload);

    private Task<JsonNode> GetAsync(string path) => stripe.GetAsync(path);

    private Task StoreInvoiceAsync(string id, string? stripeInvoice = null, bool book = false) => stripe.StoreInvoiceAsync(id, stripeInvoice, book);

    /// <summary>The invoice's one burn once it is finalized or failed (the executor's timer runs every 10 s).</summary>
    private async Task<JsonNode> BurnSettledAsync(string id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        JsonNode burn;
        do
        {
            await Task.Delay(500);
            burn = Assert.Single((await GetAsync($"api/v1/burns?invoiceId={id}")).AsArray())!;
        }
        while (burn["status"]!.GetValue<string>() is not ("finalized" or "failed") && DateTime.UtcNow < deadline);

        return burn;
    }

    /// <summary>Stores the invoice (12.34 USD) and pays it through a signed <c>invoice.paid</c>; returns once its burn is finalized.</summary>
    private async Task<JsonNode> PaidAndBurnedAsync(string stripeInvoice)
    {
        await StoreInvoiceAsync(Id);
        var (paid, _) = await PostAsync(StripeTestEvents.InvoicePaid("evt_paid_201902", stripeInvoice, Id, 1_234, "usd", "cus_201902", DateTimeOffset.UtcNow));
        Assert.Equal(HttpStatusCode.OK, paid);
        var burn = await BurnSettledAsync(Id);
        Assert.Equal("finalized", burn["status"]!.GetValue<string>());
        return burn;
    }

    /// <summary>
    /// A pre-payment credit note of 2.34 USD and Stripe's <c>invoice.paid</c> for the 10.00 USD left, both signed, in the given
    /// order, each sent twice; the invoice, its burn and reconcile once the burn settled.
    /// </summary>
    private async Task<(JsonNode Invoice, JsonNode Burn, IReadOnlyList<string> Findings)> PrePaymentCreditedAndPaidAsync(string month, bool noteFirst)
    {
        string id = $"INV-carrier-tmo-{month}", stripeInvoice = $"in_{month}";
        await StoreInvoiceAsync(id, stripeInvoice, book: true);
        string note = StripeTestEvents.CreditNote($"evt_cn_{month}", $"cn_{month}", stripeInvoice, 234, "usd", DateTimeOffset.UtcNow, prePaymentMinor: 234);
        string paid = StripeTestEvents.InvoicePaid($"evt_paid_{month}", stripeInvoice, id, 1_000, "usd", $"cus_{month}", DateTimeOffset.UtcNow);
        foreach (string payload in noteFirst ? new[] { note, paid, note, paid } : [paid, note, paid, note])
        {
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(payload)).Status);
        }

        var burn = await BurnSettledAsync(id);
        var findings = (await GetAsync("api/v1/ledger/reconcile"))["mismatches"]!.AsArray()
            .Where(m => m!["subject"]!.GetValue<string>().Contains(id, StringComparison.Ordinal) || m["detail"]!.GetValue<string>().Contains(id, StringComparison.Ordinal))
            .Select(m => $"{m!["kind"]}: {m["detail"]}");
        return (await GetAsync($"api/v1/invoices/{id}"), burn, [.. findings]);
    }

    [Theory]
    [InlineData("201903", true)]
    [InlineData("201904", false)]
    public async Task Webhook_SignedPrePaymentCreditNoteAndPaymentInEitherOrder_InvoicePaidBurnOfWhatWasPaidNothingReported(string month, bool noteFirst)
    {
        var (invoice, burn, findings) = await PrePaymentCreditedAndPaidAsync(month, noteFirst);

        Assert.Equal(("paid", 1_000L, 0L, 234L, "2.34"), (invoice["status"]!.GetValue<string>(), invoice["amountPaidMinor"]!.GetValue<long>(),
            invoice["amountRemainingMinor"]!.GetValue<long>(), invoice["prePaymentCreditedMinor"]!.GetValue<long>(), invoice["prePaymentCredited"]!.GetValue<string>()));
        Assert.Equal(("finalized", 1_000L), (burn["status"]!.GetValue<string>(), burn["usdMinor"]!.GetValue<long>()));
        Assert.Empty(findings);
    }

    [Fact]
    public async Task Webhook_SignedCreditNoteAfterTheBurn_RecordedOnceShownOnTheInvoiceAndReportedNeverUnburned()
    {
        const string stripeInvoice = "in_201902";
        var burn = await PaidAndBurnedAsync(stripeInvoice);
        string payload = StripeTestEvents.CreditNote("evt_cn_201902", "cn_201902", stripeInvoice, 1_000, "usd", DateTimeOffset.UtcNow, refundedMinor: 600);

        var (status, body) = await PostAsync(payload);
        var (replayStatus, replay) = await PostAsync(payload);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (status, replayStatus));
        Assert.Equal(("cn_201902", Id, "applied", false), (body!["creditNoteId"]!.GetValue<string>(), body["invoiceId"]!.GetValue<string>(),
            body["resolution"]!.GetValue<string>(), body["replay"]!.GetValue<bool>()));
        Assert.Equal("finalized", body["burnStatus"]!.GetValue<string>());
        Assert.True(replay!["replay"]!.GetValue<bool>());

        var invoice = await GetAsync($"api/v1/invoices/{Id}");
        Assert.Equal(("paid", "10.00", 1_000L), (invoice["status"]!.GetValue<string>(), invoice["credited"]!.GetValue<string>(), invoice["creditedMinor"]!.GetValue<long>()));
        var note = Assert.Single(invoice["creditNotes"]!.AsArray())!;
        Assert.Equal(("cn_201902", "issued", "evt_cn_201902", 600L, 400L), (note["id"]!.GetValue<string>(), note["status"]!.GetValue<string>(),
            note["stripeEventId"]!.GetValue<string>(), note["refundedMinor"]!.GetValue<long>(), note["customerBalanceMinor"]!.GetValue<long>()));

        using (var pdf = await platform.Client.SendAsync(platform.Request(HttpMethod.Get, $"api/v1/invoices/{Id}?format=pdf", PlatformFixture.FinanceKey)))
        {
            Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
            string text = System.Text.RegularExpressions.Regex.Replace((await PdfText.ReadAsync(await pdf.Content.ReadAsByteArrayAsync())).All, @"\s+", " ");
            Assert.Contains("cn_201902", text, StringComparison.Ordinal);
            Assert.Contains("6.00 USD refunded; 4.00 USD to the customer balance", text, StringComparison.Ordinal);
        }

        var mismatches = (await GetAsync("api/v1/ledger/reconcile"))["mismatches"]!.AsArray();
        var finding = Assert.Single(mismatches, m => m!["kind"]!.GetValue<string>() == "CreditNoteAfterBurn" && m["subject"]!.GetValue<string>() == Id)!;
        Assert.Contains(burn["signature"]!.GetValue<string>(), finding["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("finalized", Assert.Single((await GetAsync($"api/v1/burns?invoiceId={Id}")).AsArray())!["status"]!.GetValue<string>());
        var entries = (await GetAsync("api/v1/ledger/entries?limit=1000"))["entries"]!.AsArray();
        Assert.Single(entries, e => e!["entryId"]!.GetValue<string>() == "credit-note:cn_201902");

        // Stripe's charge.refunded as the current API version sends it (no invoice, no payment intent; the customer that paid):
        // the note's own refund is explained by the note; 3.00 more refunded in the Dashboard is not.
        const string Customer = "cus_201902";
        var (refunded, refundBody) = await PostAsync(StripeTestEvents.ChargeRefunded("evt_re_201902a", "ch_201902", 1_234, 600, "usd", DateTimeOffset.UtcNow, customerId: Customer));
        Assert.Equal((HttpStatusCode.OK, "ch_201902", true), (refunded, refundBody!["chargeId"]!.GetValue<string>(), refundBody["recorded"]!.GetValue<bool>()));
        Assert.Null(refundBody["invoiceId"]);
        static bool Refund(JsonNode? m) => m!["kind"]!.GetValue<string>().StartsWith("Refund", StringComparison.Ordinal) && m["subject"]!.GetValue<string>().StartsWith(Customer, StringComparison.Ordinal);
        Assert.DoesNotContain((await GetAsync("api/v1/ledger/reconcile"))["mismatches"]!.AsArray(), Refund);
        var (more, _) = await PostAsync(StripeTestEvents.ChargeRefunded("evt_re_201902b", "ch_201902", 1_234, 900, "usd", DateTimeOffset.UtcNow, customerId: Customer));
        Assert.Equal(HttpStatusCode.OK, more);
        var unexplained = Assert.Single((await GetAsync("api/v1/ledger/reconcile"))["mismatches"]!.AsArray(), Refund)!;
        Assert.Equal(("RefundWithoutCreditNote", $"{Customer} ({Id})"), (unexplained["kind"]!.GetValue<string>(), unexplained["subject"]!.GetValue<string>()));
        Assert.Contains("3.00 USD went back outside a credit note", unexplained["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("finalized", Assert.Single((await GetAsync($"api/v1/burns?invoiceId={Id}")).AsArray())!["status"]!.GetValue<string>());

        // The cash that went out is booked once per step of the charge's cumulative amount, a replayed delivery adding nothing.
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(StripeTestEvents.ChargeRefunded("evt_re_201902a", "ch_201902", 1_234, 600, "usd", DateTimeOffset.UtcNow, customerId: Customer))).Status);
        var refundEntries = (await GetAsync("api/v1/ledger/entries?limit=1000"))["entries"]!.AsArray()
            .Where(e => e!["kind"]!.GetValue<string>() == "PaymentRefunded" && e["entryId"]!.GetValue<string>().StartsWith("refund:ch_201902:", StringComparison.Ordinal))
            .Select(e => e!["entryId"]!.GetValue<string>());
        Assert.Equal(["refund:ch_201902:1", "refund:ch_201902:2"], refundEntries);
    }

    // The current API version's shapes, delivered out of order: the charge's refund (payment intent, no invoice) first, then
    // invoice_payment.paid (which payment paid which invoice), then invoice.paid. The refund lands under the invoice (when
    // the invoice was synced to Stripe, with the link; when not, with the payment, which is what says the Stripe invoice is
    // ours), and the burn is held instead of burning money that went back.
    [Theory]
    [InlineData("201905", true)]
    [InlineData("201906", false)]
    public async Task Webhook_RefundLinkedByInvoicePaymentBeforeThePayment_BurnHeldAndReportedUnderTheInvoice(string month, bool synced)
    {
        string id = "INV-carrier-tmo-" + month, stripeInvoice = "in_" + month, intent = "pi_" + month + "_card";
        await StoreInvoiceAsync(id, synced ? stripeInvoice : null, book: true);

        var (refunded, refundBody) = await PostAsync(StripeTestEvents.ChargeRefunded("evt_re_" + month, "ch_" + month, 1_234, 500, "usd", DateTimeOffset.UtcNow, paymentIntentId: intent, customerId: "cus_" + month));
        Assert.Equal(HttpStatusCode.OK, refunded);
        Assert.Null(refundBody!["invoiceId"]);
        var (linked, linkBody) = await PostAsync(StripeTestEvents.InvoicePaymentPaid("evt_ip_" + month, "inpay_" + month, stripeInvoice, 1_234, "usd", DateTimeOffset.UtcNow, intent));
        Assert.Equal(HttpStatusCode.OK, linked);
        Assert.Equal((intent, true, synced ? 1 : 0), (linkBody!["paymentId"]!.GetValue<string>(), linkBody["recorded"]!.GetValue<bool>(), linkBody["refundsMoved"]!.GetValue<int>()));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(StripeTestEvents.InvoicePaid("evt_paid_" + month, stripeInvoice, id, 1_234, "usd", "cus_" + month, DateTimeOffset.UtcNow))).Status);

        var burn = await BurnWhenAsync(id, b => b["status"]!.GetValue<string>() != "pending");
        Assert.Equal("held", burn["status"]!.GetValue<string>());
        Assert.Contains("RefundWithoutCreditNote", burn["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Null(burn["signature"]);
        var finding = Assert.Single((await GetAsync("api/v1/ledger/reconcile"))["mismatches"]!.AsArray(), m => m!["kind"]!.GetValue<string>() == "RefundWithoutCreditNote" && m["subject"]!.GetValue<string>() == id)!;
        Assert.Contains("5.00 USD went back outside a credit note", finding["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private Task<JsonNode> BurnWhenAsync(string id, Func<JsonNode, bool> done) => stripe.BurnWhenAsync(id, done);

    // Stripe retrying after 503s: the refund (payment intent, customer, no invoice), then invoice.paid (no payment intent),
    // and only then invoice_payment.paid. Until the link arrives the refund is the customer's only, and it holds the burn;
    // the link then places it under this invoice (still held, per invoice) or another one (this burn is signed).
    [Theory]
    [InlineData("201907", "201909", true)]
    [InlineData("201908", "201910", false)]
    public async Task Webhook_RefundOfTheCustomerBeforePaymentAndLink_BurnHeldUntilTheLinkPlacesItElsewhere(string month, string otherMonth, bool thisInvoice)
    {
        string id = "INV-carrier-tmo-" + month, stripeInvoice = "in_" + month, intent = "pi_" + month + "_card", customer = "cus_" + month, charge = "ch_" + month;
        string otherStripeInvoice = "in_" + otherMonth;
        await StoreInvoiceAsync(id, stripeInvoice, book: true);
        await StoreInvoiceAsync("INV-carrier-tmo-" + otherMonth, otherStripeInvoice); // the customer's other invoice, unpaid

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(StripeTestEvents.ChargeRefunded("evt_re_" + month, charge, 1_234, 500, "usd", DateTimeOffset.UtcNow, paymentIntentId: intent, customerId: customer))).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(StripeTestEvents.InvoicePaid("evt_paid_" + month, stripeInvoice, id, 1_234, "usd", customer, DateTimeOffset.UtcNow))).Status);
        var held = await BurnWhenAsync(id, b => b["status"]!.GetValue<string>() != "pending");
        Assert.Equal("held", held["status"]!.GetValue<string>());
        Assert.Null(held["signature"]);
        string reason = held["reason"]!.GetValue<string>();
        foreach (string part in new[] { customer, charge, "500 minor units of USD", "RefundWithoutCreditNote" })
        {
            Assert.Contains(part, reason, StringComparison.Ordinal);
        }

        var (linked, linkBody) = await PostAsync(StripeTestEvents.InvoicePaymentPaid("evt_ip_" + month, "inpay_" + month, thisInvoice ? stripeInvoice : otherStripeInvoice, 1_234, "usd", DateTimeOffset.UtcNow, intent));
        Assert.Equal((HttpStatusCode.OK, 1), (linked, linkBody!["refundsMoved"]!.GetValue<int>()));
        if (thisInvoice)
        {
            var still = await BurnWhenAsync(id, b => b["reason"]?.GetValue<string>().Contains($"on the charges of {id}", StringComparison.Ordinal) == true);
            Assert.Equal("held", still["status"]!.GetValue<string>());
            Assert.Contains($"on the charges of {id} ({charge})", still["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        else
        {
            var signed = await BurnWhenAsync(id, b => b["status"]!.GetValue<string>() is "finalized" or "failed");
            Assert.Equal("finalized", signed["status"]!.GetValue<string>());
        }
    }

    // An older API version: the charge names its Stripe invoice, and invoice.paid its payment intent, but the refund arrives
    // before invoice.paid (Stripe retrying after a 503), the invoice was not synced, and no invoice_payment.paid comes. Once
    // the payment says the Stripe invoice is ours, the refund goes under the invoice and is compared with its notes.
    [Fact]
    public async Task Webhook_RefundNamingItsInvoiceBeforeThePaymentWithoutLink_PlacedUnderTheInvoiceWhenPaid()
    {
        string month = "201912", id = "INV-carrier-tmo-" + month, stripeInvoice = "in_" + month, intent = "pi_" + month + "_card", customer = "cus_" + month, charge = "ch_" + month;
        await StoreInvoiceAsync(id, null, book: true);

        var (refunded, refundBody) = await PostAsync(StripeTestEvents.ChargeRefunded("evt_re_" + month, charge, 1_234, 500, "usd", DateTimeOffset.UtcNow, stripeInvoiceId: stripeInvoice, paymentIntentId: intent, customerId: customer));
        Assert.Equal(HttpStatusCode.OK, refunded);
        Assert.Null(refundBody!["invoiceId"]); // nothing says yet that in_201912 is ours
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(StripeTestEvents.InvoicePaid("evt_paid_" + month, stripeInvoice, id, 1_234, "usd", customer, DateTimeOffset.UtcNow, intent))).Status);

        var burn = await BurnWhenAsync(id, b => b["status"]!.GetValue<string>() != "pending");
        Assert.Equal("held", burn["status"]!.GetValue<string>());
        Assert.Contains($"on the charges of {id} ({charge})", burn["reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single((await GetAsync("api/v1/ledger/reconcile"))["mismatches"]!.AsArray(), m => m!["kind"]!.GetValue<string>() == "RefundWithoutCreditNote" && m["subject"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task Webhook_UnplacedRefundOfTheCustomerMadeBeforeThePayment_DoesNotHoldTheBurn()
    {
        // A refund Stripe made days before this payment was of another charge: if it is never placed, it must not hold every
        // later burn of the customer.
        string month = "201911", id = "INV-carrier-tmo-" + month, stripeInvoice = "in_" + month, customer = "cus_" + month;
        await StoreInvoiceAsync(id, stripeInvoice, book: true);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(StripeTestEvents.ChargeRefunded("evt_re_old_" + month, "ch_old_" + month, 1_000, 500, "usd", DateTimeOffset.UtcNow.AddDays(-2), paymentIntentId: "pi_old_" + month, customerId: customer))).Status);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(StripeTestEvents.InvoicePaid("evt_paid_" + month, stripeInvoice, id, 1_234, "usd", customer, DateTimeOffset.UtcNow))).Status);
        var burn = await BurnWhenAsync(id, b => b["status"]!.GetValue<string>() is "finalized" or "failed" or "held");

        Assert.Equal("finalized", burn["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Webhook_CreditNoteForAStripeInvoiceNobodyHas_Answers200UnappliedSoStripeStopsRetrying()
    {
        string payload = StripeTestEvents.CreditNote("evt_cn_nobody", "cn_nobody", "in_nobody", 500, "usd", DateTimeOffset.UtcNow);

        var (status, body) = await PostAsync(payload);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("unapplied", "UnknownInvoice"), (body!["resolution"]!.GetValue<string>(), body["reason"]!.GetValue<string>()));
        Assert.Null(body["invoiceId"]);
    }

    [Fact]
    public async Task Webhook_SignedPaymentWhoseEventIdNoTableKeyCanHold_Answers400NotA503StripeRetries()
    {
        // The event id keys the payment's row, and '#' is escaped in a key (three characters each): before, the row could not be
        // written and the webhook answered 503 (transient, so Stripe retried for days, failing the same way each time).
        string payload = StripeTestEvents.InvoicePaid("evt_" + new string('#', 200), "in_keys", "INV-carrier-keys-201901", 500, "usd", "cus_keys", DateTimeOffset.UtcNow);

        var (status, body) = await PostAsync(payload);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("its id is not 1 to 255 letters", body!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Webhook_SignedPaymentForAnInvoiceIdNoTableKeyCanHold_Answers200RecordedUnappliedNotA503StripeRetries()
    {
        // The invoice id keys the payment's rows: before, a payer of 200 '/' (escaped to three characters each) made a key storage
        // refuses, and the webhook answered 503 on every retry. No invoice of ours has such an id: the payment is kept under
        // its Stripe invoice, unapplied and reported (since 2026-12; ignored before, which dropped it).
        string payload = StripeTestEvents.InvoicePaid("evt_keys_invoice", "in_keys", "INV-" + new string('/', 200) + "-201901", 500, "usd", "cus_keys", DateTimeOffset.UtcNow);

        var (status, body) = await PostAsync(payload);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(("unapplied", "UnknownStripeInvoice"), (body!["resolution"]?.GetValue<string>(), body["reason"]?.GetValue<string>()));
        Assert.Contains("is not an invoice id", body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
