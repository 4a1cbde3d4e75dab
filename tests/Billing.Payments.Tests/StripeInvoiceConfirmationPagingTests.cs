using Microsoft.Extensions.Logging;

namespace Billing.Payments.Tests;

/// <summary>
/// The lists asked for before a burn (StripeInvoiceConfirmation.Charges.cs) are read to their end, page after page
/// (<c>limit=100</c>, <c>starting_after</c> the last id read), up to ten pages; past them, and on any request Stripe does not
/// answer, the answer is unreachable and names the request. Against the loopback Stripe double, which pages as Stripe does.
/// </summary>
public sealed class StripeInvoiceConfirmationPagingTests : StripeInvoiceConfirmationTestBase
{
    private List<(string? StartingAfter, string? Limit)> Pages(string path, string filter, string by) =>
        [.. StripeDouble.Requests.Where(r => r.Path == path).Select(r => { Assert.Equal(by, r.Field(filter)); return (r.Field("starting_after"), r.Field("limit")); })];

    // Before: the second page was never read; the burn waited pending for as long as the payment intent had over 100 charges.
    [Fact]
    public async Task ConfirmWithChargesAsync_ChargesOfAPaymentIntentSpanThreePages_ReadsEveryPage()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours);
        for (int i = 0; i < 250; i++)
        {
            StripeDouble.AddCharge(Paid, $"ch_{i:D3}", 40, "usd", amountRefunded: i == 249 ? 40 : 0, paymentIntent: "pi_many");
        }

        var confirmed = Assert.IsType<StripeConfirmation.Confirmed>(await ConfirmWithChargesAsync());

        Assert.Equal(250, confirmed.Charges.Count);
        Assert.Equal(40, confirmed.Charges.Single(c => c.ChargeId == "ch_249").AmountRefundedMinor); // on the last page
        Assert.Equal([(null, "100"), ("ch_099", "100"), ("ch_199", "100")], Pages("/v1/charges", "payment_intent", "pi_many"));
    }

    [Fact]
    public async Task ConfirmWithChargesAsync_DisputesOfAChargeSpanTwoPages_ReadsEveryPage()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours);
        StripeDouble.AddCharge(Paid, "ch_fought", 10_000, "usd");
        for (int i = 0; i < 120; i++)
        {
            StripeDouble.AddDispute("ch_fought", $"dp_{i:D3}", i == 119 ? "needs_response" : "won");
        }

        var confirmed = Assert.IsType<StripeConfirmation.Confirmed>(await ConfirmWithChargesAsync());

        var disputes = Assert.Single(confirmed.Charges).Disputes;
        Assert.Equal(120, disputes.Count);
        Assert.Equal("needs_response", disputes.Single(d => d.DisputeId == "dp_119").Status);
        Assert.Equal([(null, "100"), ("dp_099", "100")], Pages("/v1/disputes", "charge", "ch_fought"));
    }

    [Fact]
    public async Task ConfirmWithChargesAsync_MorePaymentsThanTheInvoiceIncludes_ListsThemAll()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours);
        for (int i = 0; i < StripeCaptureServer.IncludedPayments + 2; i++)
        {
            StripeDouble.AddCharge(Paid, $"ch_part{i:D2}", 10_000 / (StripeCaptureServer.IncludedPayments + 2), "usd");
        }

        var confirmed = Assert.IsType<StripeConfirmation.Confirmed>(await ConfirmWithChargesAsync());

        Assert.Equal(StripeCaptureServer.IncludedPayments + 2, confirmed.Charges.Count);
        Assert.Equal([(null, "100")], Pages("/v1/invoice_payments", "invoice", Paid));
    }

    [Fact]
    public async Task ConfirmWithChargesAsync_MoreChargesThanTenPagesHold_IsUnreachableNamingTheListAndLogged()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours);
        for (int i = 0; i < 1_001; i++)
        {
            StripeDouble.AddCharge(Paid, $"ch_{i:D4}", 1, "usd", paymentIntent: "pi_endless");
        }

        var logger = new ListLogger<StripeInvoiceConfirmation>();
        var unreachable = Assert.IsType<StripeConfirmation.Unreachable>(await ConfirmWithChargesAsync(logger));

        Assert.Contains("more than 1000 charges of payment intent pi_endless", unreachable.Detail, StringComparison.Ordinal);
        Assert.Equal(10, Pages("/v1/charges", "payment_intent", "pi_endless").Count); // bounded: not one request more
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("pi_endless", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfirmWithChargesAsync_MorePaymentsThanTenPagesHold_IsUnreachableNamingTheList()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours);
        for (int i = 0; i < 1_001; i++)
        {
            StripeDouble.AddCharge(Paid, $"ch_{i:D4}", 1, "usd");
        }

        var unreachable = Assert.IsType<StripeConfirmation.Unreachable>(await ConfirmWithChargesAsync());

        Assert.Contains($"more than 1000 payments of invoice {Paid}", unreachable.Detail, StringComparison.Ordinal);
        Assert.Equal(10, Pages("/v1/invoice_payments", "invoice", Paid).Count);
        Assert.DoesNotContain(StripeDouble.Requests, r => r.Path == "/v1/charges"); // nothing judged on part of them
    }

    [Fact]
    public async Task ConfirmWithChargesAsync_PageSaysMoreButHoldsNothing_IsUnreachableAndAsksOnce()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours);
        StripeDouble.AddCharge(Paid, "ch_odd", 10_000, "usd");
        StripeDouble.RawAnswers["/v1/charges"] = """{"object":"list","data":[],"has_more":true,"url":"/v1/charges"}""";

        Assert.IsType<StripeConfirmation.Unreachable>(await ConfirmWithChargesAsync());
        Assert.Single(Pages("/v1/charges", "payment_intent", "pi_ch_odd")); // no id to go on from: never asked in a loop
    }

    // Before: "Stripe answered 503 (api_error) when asked for the charges of in_confirm1": not which of its requests.
    [Fact]
    public async Task ConfirmWithChargesAsync_DisputesUnanswered_IsUnreachableNamingTheRequestAndStatus()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours);
        StripeDouble.AddCharge(Paid, "ch_busy", 10_000, "usd", disputeStatus: "needs_response");
        StripeDouble.FailStatus["/v1/disputes"] = 503;

        var logger = new ListLogger<StripeInvoiceConfirmation>();
        var unreachable = Assert.IsType<StripeConfirmation.Unreachable>(await ConfirmWithChargesAsync(logger));

        Assert.Equal("GET /v1/disputes?charge=ch_busy&limit=100 answered 503 (api_error)", unreachable.Detail); // the same on every run: the burn's reason is not rewritten
        Assert.Contains(logger.Entries, e => e.Message.Contains("GET /v1/disputes?charge=ch_busy", StringComparison.Ordinal) && e.Message.Contains("Stripe request id req_capture_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfirmWithChargesAsync_InvoiceUnanswered_IsUnreachableNamingTheRequestAndStatus()
    {
        StripeDouble.MarkPaid(Paid, 10_000, "usd", Ours);
        StripeDouble.FailStatus[$"/v1/invoices/{Paid}"] = 429;

        var unreachable = Assert.IsType<StripeConfirmation.Unreachable>(await ConfirmWithChargesAsync());

        Assert.Equal($"GET /v1/invoices/{Paid}?expand[]=payments answered 429 (api_error)", unreachable.Detail);
    }
}
