namespace Billing.Payments.Tests;

/// <summary>What Stripe's answer to <c>GET /v1/invoices/{id}</c> makes of a payment our rows say it made, against a real loopback Stripe double.</summary>
public sealed class StripeInvoiceConfirmationTests : StripeInvoiceConfirmationTestBase
{
    private Task<StripeConfirmation> ConfirmAsync(long received = 10_000, string currency = "USD", bool linked = false, string? key = TestKey, string? stripeInvoiceId = Paid) =>
        New(key).ConfirmAsync(Ours, currency, stripeInvoiceId, received, _ => Task.FromResult(linked), Ct);

    [Fact]
    public async Task ConfirmAsync_PaidInFullForOurInvoice_IsConfirmed()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours);

        Assert.Same(StripeConfirmation.Confirmed.Instance, await ConfirmAsync());
        Assert.Contains(StripeDouble.Requests, r => r.ToString() == $"GET /v1/invoices/{Paid}");
    }

    [Fact]
    public async Task ConfirmAsync_StripeSaysOpen_IsRefutedNotPaid()
    {
        StripeDouble.MarkPaid(Paid, 0, "usd", Ours, status: "open");

        Assert.Equal(StripeRefutation.NotPaid, Assert.IsType<StripeConfirmation.Refuted>(await ConfirmAsync()).Reason);
    }

    [Fact]
    public async Task ConfirmAsync_MarkedPaidOutsideStripe_IsRefutedNotPaid()
    {
        // Someone marked the Stripe invoice paid by hand (paid_out_of_band): no cash reached Stripe, and the webhook path never
        // applies such a payment, so rows that say it was applied were not written by the platform.
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours, paidOutOfBand: true);

        var refuted = Assert.IsType<StripeConfirmation.Refuted>(await ConfirmAsync()); // before: confirmed

        Assert.Equal(StripeRefutation.NotPaid, refuted.Reason);
        Assert.Contains("out of band", refuted.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfirmAsync_NoSuchStripeInvoice_IsRefutedNoSuchInvoice()
    {
        var refuted = Assert.IsType<StripeConfirmation.Refuted>(await ConfirmAsync());

        Assert.Equal(StripeRefutation.NoSuchInvoice, refuted.Reason);
        Assert.Contains("resource_missing", refuted.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfirmAsync_PaidLessThanTheRowsSay_IsRefutedAmountShort()
    {
        StripeDouble.MarkPaid(Paid, 9_999, "usd", Ours);

        var refuted = Assert.IsType<StripeConfirmation.Refuted>(await ConfirmAsync(received: 10_000));

        Assert.Equal(StripeRefutation.AmountShort, refuted.Reason);
        Assert.Contains("9999", refuted.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfirmAsync_PaidInAnotherCurrency_IsRefutedCurrency()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "eur", Ours);

        Assert.Equal(StripeRefutation.CurrencyDiffers, Assert.IsType<StripeConfirmation.Refuted>(await ConfirmAsync()).Reason);
    }

    [Theory]
    [InlineData("sk_test_confirm", true)]
    [InlineData("sk_live_confirm", false)]
    [InlineData("sk_confirm", false)] // a key of no known mode: nothing to compare with
    public async Task ConfirmAsync_InvoiceOfAnotherModeThanTheKey_IsRefutedMode(string key, bool livemode)
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours, livemode);

        Assert.Equal(StripeRefutation.ModeDiffers, Assert.IsType<StripeConfirmation.Refuted>(await ConfirmAsync(key: key)).Reason);
    }

    [Fact]
    public async Task ConfirmAsync_MetadataNamesAnotherInvoiceAndNoSyncLink_IsRefutedNamesAnother()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", "INV-carrier-other-202610");

        Assert.Equal(StripeRefutation.NamesAnotherInvoice, Assert.IsType<StripeConfirmation.Refuted>(await ConfirmAsync()).Reason);
    }

    [Fact]
    public async Task ConfirmAsync_MetadataNamesAnotherInvoiceEvenThoughRowsLinkItToOurs_IsRefutedNamesAnother()
    {
        // The sync link is read from invoice rows storage can write: a paid Stripe invoice of another of ours never confirms this one.
        StripeDouble.MarkPaid(Paid, 10_000, "usd", "INV-carrier-other-202610");

        Assert.Equal(StripeRefutation.NamesAnotherInvoice, Assert.IsType<StripeConfirmation.Refuted>(await ConfirmAsync(linked: true)).Reason);
    }

    [Fact]
    public async Task ConfirmAsync_NoMetadataButThePlatformSyncedItForOurs_IsConfirmed()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", null);

        Assert.Same(StripeConfirmation.Confirmed.Instance, await ConfirmAsync(linked: true));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(429)]
    [InlineData(401)]
    public async Task ConfirmAsync_StripeAnswersNoVerdict_IsUnreachableNeverRefuted(int status)
    {
        StripeDouble.MarkPaid(Paid, 0, "usd", Ours, status: "open");
        StripeDouble.FailStatus[$"/v1/invoices/{Paid}"] = status;

        Assert.IsType<StripeConfirmation.Unreachable>(await ConfirmAsync());
    }

    [Fact]
    public async Task ConfirmAsync_NobodyListens_IsUnreachable()
    {
        var nowhere = New(apiBase: $"http://127.0.0.1:{FreePort.Find()}");

        Assert.IsType<StripeConfirmation.Unreachable>(await nowhere.ConfirmAsync(Ours, "USD", Paid, 10_000, _ => Task.FromResult(false), Ct));
    }

    [Fact]
    public async Task ConfirmAsync_NoSecretKey_AsksNothingAndSaysNoKey()
    {
        Assert.Same(StripeConfirmation.NoKey.Instance, await ConfirmAsync(key: null));
        Assert.Empty(StripeDouble.Requests);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("in_../customers")]
    public async Task ConfirmAsync_RowsNameNoStripeId_IsRefutedWithoutAsking(string? stripeInvoiceId)
    {
        Assert.Equal(StripeRefutation.NoSuchInvoice, Assert.IsType<StripeConfirmation.Refuted>(await ConfirmAsync(stripeInvoiceId: stripeInvoiceId)).Reason);
        Assert.Empty(StripeDouble.Requests);
    }

    [Fact]
    public async Task ConfirmWithChargesAsync_PaidThroughADisputedRefundedCharge_CarriesItsRefundAndDispute()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours);
        StripeDouble.AddCharge(Paid, "ch_both", 10_000, "usd", amountRefunded: 1_500, disputeStatus: "needs_response");

        var confirmed = Assert.IsType<StripeConfirmation.Confirmed>(await ConfirmWithChargesAsync());

        var charge = Assert.Single(confirmed.Charges);
        Assert.Equal(("ch_both", "USD", 1_500L, true), (charge.ChargeId, charge.Currency, charge.AmountRefundedMinor, charge.Disputed));
        var dispute = Assert.Single(charge.Disputes);
        Assert.Equal(("dp_ch_both", "needs_response", 10_000L, "USD"), (dispute.DisputeId, dispute.Status, dispute.AmountMinor, dispute.Currency));
        var asked = Assert.Single(StripeDouble.Requests, r => r.Path == $"/v1/invoices/{Paid}");
        Assert.Contains(asked.Form, f => f.Key.StartsWith("expand[", StringComparison.Ordinal) && f.Value == "payments");
    }

    [Fact]
    public async Task ConfirmAsync_WithoutCharges_ExpandsNothingAndAsksOneRequest()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours);
        StripeDouble.AddCharge(Paid, "ch_unasked", 10_000, "usd", amountRefunded: 1_500);

        Assert.Same(StripeConfirmation.Confirmed.Instance, await ConfirmAsync());
        Assert.Empty(Assert.Single(StripeDouble.Requests).Form);
    }

    [Fact]
    public async Task ConfirmWithChargesAsync_ChargesUnanswered_IsUnreachable()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours);
        StripeDouble.AddCharge(Paid, "ch_busy", 10_000, "usd");
        StripeDouble.FailStatus["/v1/charges"] = 429;

        Assert.IsType<StripeConfirmation.Unreachable>(await ConfirmWithChargesAsync());
    }

    [Theory]
    [InlineData("/v1/invoices/" + Paid, """{"id":"in_confirm1","object":"invoice","status":""")]
    [InlineData("/v1/invoices/" + Paid, "not json at all")]
    [InlineData("/v1/charges", """{"object":"list","data":[{"id":"ch_cut","object":"charge","amount":""")]
    [InlineData("/v1/charges", """{"object":"list","data":"not a list"}""")]
    [InlineData("/v1/disputes", """{"object":"list","data":[{"id":""")]
    [InlineData("/v1/invoices/" + Paid, "null")]
    [InlineData("/v1/charges", "null")]
    [InlineData("/v1/disputes", "null")]
    [InlineData("/v1/disputes", """{"object":"list","data":[{"id":"dp_x","object":"dispute","created":99999999999999999}],"has_more":false}""")]
    [InlineData("/v1/charges", """{"object":"list","data":[{"id":"ch_cut","object":"charge","amount_refunded":"lots"}],"has_more":false}""")]
    public async Task ConfirmWithChargesAsync_AnswerThatCannotBeRead_IsUnreachableNeverThrows(string path, string body)
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours);
        StripeDouble.AddCharge(Paid, "ch_cut", 10_000, "usd", disputeStatus: "needs_response");
        StripeDouble.RawAnswers[path] = body;

        // before: the client's exception reached the executor, whose isolation failed the burn for good
        Assert.IsType<StripeConfirmation.Unreachable>(await ConfirmWithChargesAsync());
    }

    [Fact]
    public async Task ConfirmAsync_InvoiceAnswerThatCannotBeRead_IsUnreachable()
    {
        StripeDouble.RawAnswers[$"/v1/invoices/{Paid}"] = "{\"id\":";

        Assert.IsType<StripeConfirmation.Unreachable>(await ConfirmAsync());
    }
}
