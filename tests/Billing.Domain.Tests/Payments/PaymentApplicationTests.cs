namespace Billing.Domain.Tests.Payments;

public class PaymentApplicationTests
{
    private static readonly BillingPeriod October = new(2026, 10);

    private static Invoice Invoice(long cents, Currency? currency = null)
    {
        var c = currency ?? Currency.USD;
        var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(cents, c));
        return new Invoice(new InvoiceId("carrier-tmo", October), "carrier-standard-v1", InvoiceStatus.Draft, c, [line]).Finalize();
    }

    private static IncomingPayment Pay(long? amount, string currency = "USD", string stripeInvoice = "in_1", string evt = "evt_1", string customer = "cus_payer") =>
        new(evt, stripeInvoice, currency, amount, amount is null ? "amount_paid \"12\" is not an integer of minor units" : null, customer);

    [Fact]
    public void Decide_ExactTotal_AppliedToReceivableAndCompletes()
    {
        var d = PaymentApplication.Decide(Invoice(10_000), InvoicePayments.Empty, Pay(10_000), null);

        Assert.Equal((PaymentResolution.Applied, 10_000L, 10_000L, 0L, 0L), (d.Resolution, d.DeltaMinor, d.ToReceivableMinor, d.ToCreditMinor, d.ToUnappliedMinor));
        Assert.True(d.CompletesInvoice);
        Assert.Equal("evt_1", d.State.CompletedBy);
        Assert.Equal(10_000, d.State.ReceivedMinor);
    }

    [Fact]
    public void Decide_OneCentOnThirtyDollars_PartiallyPaidAndDoesNotComplete()
    {
        var d = PaymentApplication.Decide(Invoice(3_000), InvoicePayments.Empty, Pay(1), null);

        Assert.Equal((PaymentResolution.Applied, 1L, 0L), (d.Resolution, d.ToReceivableMinor, d.ToCreditMinor));
        Assert.False(d.CompletesInvoice);
        Assert.Null(d.State.CompletedBy);
        Assert.Contains("29.99 USD remaining", d.Detail, StringComparison.Ordinal);
        Assert.Equal(InvoiceStatus.PartiallyPaid, Invoice(3_000).ApplyPayments(d.State.ReceivedMinor).Status);
    }

    [Fact]
    public void Decide_HugeOverpayment_OnlyTheTotalToReceivableRestIsCredit()
    {
        var d = PaymentApplication.Decide(Invoice(10_000), InvoicePayments.Empty, Pay(10_000_000_000), null);

        Assert.Equal((10_000L, 9_999_990_000L), (d.ToReceivableMinor, d.ToCreditMinor));
        Assert.True(d.CompletesInvoice);
        Assert.Contains("customer credit", d.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_CumulativeAmountPaidOfOneStripeInvoice_CountsTheIncreaseOnly()
    {
        var invoice = Invoice(10_000);
        var first = PaymentApplication.Decide(invoice, InvoicePayments.Empty, Pay(4_000, evt: "evt_a"), null);
        var second = PaymentApplication.Decide(invoice, first.State, Pay(10_000, evt: "evt_b"), null);
        var stale = PaymentApplication.Decide(invoice, second.State, Pay(4_000, evt: "evt_c"), null);
        var again = PaymentApplication.Decide(invoice, second.State, Pay(10_000, evt: "evt_d"), null);

        Assert.Equal((4_000L, false), (first.ToReceivableMinor, first.CompletesInvoice));
        Assert.Equal((6_000L, 0L, true), (second.ToReceivableMinor, second.ToCreditMinor, second.CompletesInvoice));
        Assert.Equal("evt_b", second.State.CompletedBy);
        Assert.Equal((PaymentResolution.Unchanged, 0L), (stale.Resolution, stale.DeltaMinor));
        Assert.Equal((PaymentResolution.Unchanged, 0L), (again.Resolution, again.DeltaMinor));
        Assert.Equal(10_000, again.State.ReceivedMinor);
    }

    [Fact]
    public void Decide_TwoStripeInvoicesForOneInvoice_AddUpAndCompleteOnce()
    {
        var invoice = Invoice(10_000);
        var first = PaymentApplication.Decide(invoice, InvoicePayments.Empty, Pay(6_000, stripeInvoice: "in_a", evt: "evt_a"), null);
        var second = PaymentApplication.Decide(invoice, first.State, Pay(6_000, stripeInvoice: "in_b", evt: "evt_b"), null);

        Assert.Equal((4_000L, 2_000L, true), (second.ToReceivableMinor, second.ToCreditMinor, second.CompletesInvoice));
        Assert.Equal(12_000, second.State.ReceivedMinor);
        var third = PaymentApplication.Decide(invoice, second.State, Pay(1_000, stripeInvoice: "in_c", evt: "evt_c"), null);
        Assert.Equal((0L, 1_000L, false), (third.ToReceivableMinor, third.ToCreditMinor, third.CompletesInvoice));
        Assert.Equal("evt_b", third.State.CompletedBy);
    }

    [Fact]
    public void Decide_EuroOnUsdInvoice_UnappliedHeldAndNeverReceived()
    {
        var d = PaymentApplication.Decide(Invoice(10_000), InvoicePayments.Empty, Pay(10_000, "eur"), null);

        Assert.Equal((PaymentResolution.Unapplied, UnappliedReason.CurrencyMismatch), (d.Resolution, d.Reason));
        Assert.Equal((0L, 0L, 10_000L, "EUR"), (d.ToReceivableMinor, d.ToCreditMinor, d.ToUnappliedMinor, d.Currency));
        Assert.Equal(0, d.State.ReceivedMinor);
        Assert.False(d.CompletesInvoice);
    }

    [Theory]
    [InlineData(-5L, "USD", UnappliedReason.MalformedAmount)]
    [InlineData(null, "USD", UnappliedReason.MalformedAmount)]
    [InlineData(10_000L, "XYZ", UnappliedReason.UnknownCurrency)]
    [InlineData(10_000L, "us\u0000d", UnappliedReason.UnknownCurrency)]
    public void Decide_MalformedAmountOrUnknownCurrency_UnappliedWithNothingToBook(long? amount, string currency, UnappliedReason reason)
    {
        var d = PaymentApplication.Decide(Invoice(10_000), InvoicePayments.Empty, Pay(amount, currency), null);

        Assert.Equal((PaymentResolution.Unapplied, reason), (d.Resolution, d.Reason));
        Assert.Equal((0L, 0L, 0L, 0L), (d.DeltaMinor, d.ToReceivableMinor, d.ToCreditMinor, d.ToUnappliedMinor));
        Assert.Same(InvoicePayments.Empty, d.State);
        Assert.DoesNotContain('\u0000', d.Detail);
    }

    [Fact]
    public void Decide_UnknownOrVoidInvoice_UnappliedWithTheMoneyHeld()
    {
        var unknown = PaymentApplication.Decide(null, InvoicePayments.Empty, Pay(500), null);
        var voided = PaymentApplication.Decide(Invoice(500).Void(), InvoicePayments.Empty, Pay(500), null);

        Assert.Equal((UnappliedReason.UnknownInvoice, 500L), (unknown.Reason, unknown.ToUnappliedMinor));
        Assert.Equal((UnappliedReason.InvoiceNotPayable, 500L), (voided.Reason, voided.ToUnappliedMinor));
    }

    [Fact]
    public void Decide_LaterEventOfStripeInvoiceRecordedUnapplied_StaysUnappliedNamingThatNotACurrencyMismatch()
    {
        var first = PaymentApplication.Decide(null, InvoicePayments.Empty, Pay(500), null); // before the invoice existed here
        var later = PaymentApplication.Decide(Invoice(500), first.State, Pay(600, evt: "evt_2"), null);

        Assert.Equal((PaymentResolution.Unapplied, UnappliedReason.SourceUnapplied, 100L), (later.Resolution, later.Reason, later.ToUnappliedMinor)); // before: CurrencyMismatch
        Assert.Contains("recorded unapplied before", later.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_StripeInvoiceChangesCurrency_UnappliedAndStateKept()
    {
        var invoice = Invoice(10_000);
        var first = PaymentApplication.Decide(invoice, InvoicePayments.Empty, Pay(4_000), null);
        var forged = PaymentApplication.Decide(invoice, first.State, Pay(9_000, "EUR", evt: "evt_2"), null);

        Assert.Equal(UnappliedReason.SourceCurrencyChanged, forged.Reason);
        Assert.Same(first.State, forged.State);
        Assert.Equal(0, forged.DeltaMinor);
    }

    [Fact]
    public void Decide_ZeroTotalInvoicePaidZero_CompletesWithoutMoney()
    {
        var d = PaymentApplication.Decide(Invoice(0), InvoicePayments.Empty, Pay(0), null);

        Assert.Equal((PaymentResolution.Applied, 0L, true), (d.Resolution, d.DeltaMinor, d.CompletesInvoice));
    }

    [Fact]
    public void Decide_PaidByAnotherCustomerThanThePayers_UnappliedCustomerMismatchHeldNamingBoth()
    {
        var d = PaymentApplication.Decide(Invoice(10_000), InvoicePayments.Empty, Pay(10_000, stripeInvoice: "in_copy", customer: "cus_intruder"), "cus_payer");

        Assert.Equal((PaymentResolution.Unapplied, UnappliedReason.CustomerMismatch), (d.Resolution, d.Reason));
        Assert.Equal((0L, 0L, 10_000L, "USD"), (d.ToReceivableMinor, d.ToCreditMinor, d.ToUnappliedMinor, d.Currency));
        Assert.Equal(0, d.State.ReceivedMinor);
        Assert.False(d.State.Sources["in_copy"].Applied);
        Assert.False(d.CompletesInvoice);
        Assert.Contains("cus_intruder", d.Detail, StringComparison.Ordinal);
        Assert.Contains("cus_payer", d.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, UnappliedReason.StripeInvoiceMismatch)] // nothing tells whose the other Stripe invoice is
    [InlineData("cus_other", UnappliedReason.CustomerMismatch)]
    public void Decide_PaidThroughAnotherStripeInvoiceThanTheSyncedOne_Unapplied(string? payersCustomer, UnappliedReason reason)
    {
        var invoice = Invoice(10_000).WithStripeInvoiceId("in_synced");

        var d = PaymentApplication.Decide(invoice, InvoicePayments.Empty, Pay(10_000, stripeInvoice: "in_copy"), payersCustomer);

        Assert.Equal((PaymentResolution.Unapplied, reason, 10_000L, 0L), (d.Resolution, d.Reason, d.ToUnappliedMinor, d.State.ReceivedMinor));
        Assert.Contains(reason == UnappliedReason.CustomerMismatch ? "cus_other" : "in_synced", d.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_AnotherStripeInvoiceOfThePayersCustomer_AppliedAsThePayersMoney()
    {
        // Finance revising the synced Stripe invoice: Stripe voids it and copies it, metadata included, to a new one of the same
        // customer. Unapplied for a while in review (StripeInvoiceMismatch): that payment was never burned.
        var invoice = Invoice(10_000).WithStripeInvoiceId("in_synced");

        var d = PaymentApplication.Decide(invoice, InvoicePayments.Empty, Pay(10_000, stripeInvoice: "in_revised"), "cus_payer");

        Assert.Equal((PaymentResolution.Applied, 10_000L, true), (d.Resolution, d.ToReceivableMinor, d.CompletesInvoice));
    }

    [Theory]
    [InlineData(null, "USD", UnappliedReason.MalformedAmount)]
    [InlineData(1_000L, "SEK", UnappliedReason.UnknownCurrency)]
    public void Decide_AnotherCustomersCopyWithAnUnreadableAmountOrCurrency_CustomerMismatchFirst(long? amount, string currency, UnappliedReason alsoWrong)
    {
        // The copy's reason is what keeps its credit notes and refunds away from the invoice (PaymentApplication.NotThePayers);
        // found in review: these returned MalformedAmount / UnknownCurrency, so a copy's refund was placed under the invoice.
        var d = PaymentApplication.Decide(Invoice(10_000), InvoicePayments.Empty, Pay(amount, currency, stripeInvoice: "in_copy", customer: "cus_intruder"), "cus_payer");

        Assert.Equal((PaymentResolution.Unapplied, UnappliedReason.CustomerMismatch, 0L), (d.Resolution, d.Reason, d.State.ReceivedMinor));
        Assert.NotEqual(alsoWrong, d.Reason);
        Assert.Contains("cus_intruder", d.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_TheSyncedStripeInvoicePaidAfterThePayersCustomerChanged_Applied()
    {
        // The platform created in_synced for the customer it knew then; finance changing the payer's customer since does not make it foreign.
        var invoice = Invoice(10_000).WithStripeInvoiceId("in_synced");

        var d = PaymentApplication.Decide(invoice, InvoicePayments.Empty, Pay(10_000, stripeInvoice: "in_synced", customer: "cus_old"), "cus_new");

        Assert.Equal((PaymentResolution.Applied, true), (d.Resolution, d.CompletesInvoice));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("cus_payer")]
    public void Decide_UnsyncedInvoiceNoOtherCustomerKnown_AppliedAsBefore(string? payersCustomer)
    {
        var d = PaymentApplication.Decide(Invoice(10_000), InvoicePayments.Empty, Pay(10_000, customer: "cus_payer"), payersCustomer);

        Assert.Equal((PaymentResolution.Applied, 10_000L), (d.Resolution, d.ToReceivableMinor));
    }

    [Fact]
    public void Decide_LaterEventOfAForeignStripeInvoice_UnappliedForTheSameReasonCountingTheIncreaseOnly()
    {
        var invoice = Invoice(10_000);
        var first = PaymentApplication.Decide(invoice, InvoicePayments.Empty, Pay(4_000, stripeInvoice: "in_copy", evt: "evt_a", customer: "cus_intruder"), "cus_payer");
        var second = PaymentApplication.Decide(invoice, first.State, Pay(10_000, stripeInvoice: "in_copy", evt: "evt_b", customer: "cus_intruder"), "cus_payer");

        Assert.Equal((UnappliedReason.CustomerMismatch, 4_000L), (first.Reason, first.ToUnappliedMinor));
        Assert.Equal((UnappliedReason.CustomerMismatch, 6_000L, 0L), (second.Reason, second.ToUnappliedMinor, second.State.ReceivedMinor));
    }

    [Fact]
    public void Decide_LaterEventOfAStripeInvoiceAppliedBefore_StaysAppliedWhateverTheCustomerKnownNow()
    {
        // A Stripe invoice is judged once, at its first payment event; a later one of it follows (as it does after a currency mismatch).
        var invoice = Invoice(10_000);
        var first = PaymentApplication.Decide(invoice, InvoicePayments.Empty, Pay(4_000, evt: "evt_a", customer: "cus_payer"), "cus_payer");
        var second = PaymentApplication.Decide(invoice, first.State, Pay(10_000, evt: "evt_b", customer: "cus_payer"), "cus_changed");

        Assert.Equal((PaymentResolution.Applied, 6_000L, true), (second.Resolution, second.ToReceivableMinor, second.CompletesInvoice));
    }
}
