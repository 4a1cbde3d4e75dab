namespace Billing.Domain.Tests.Invoicing;

public class InvoicePaymentStatusTests
{
    private static Invoice Finalized(long cents)
    {
        var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(cents, Currency.USD));
        return new Invoice(new InvoiceId("carrier-tmo", new BillingPeriod(2026, 10)), "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [line]).Finalize();
    }

    [Fact]
    public void ApplyPayments_PartThenRest_PartiallyPaidThenPaidWithRemaining()
    {
        var partial = Finalized(3_000).ApplyPayments(1_000);
        var paid = partial.ApplyPayments(3_000);

        Assert.Equal((InvoiceStatus.PartiallyPaid, 1_000L, 2_000L), (partial.Status, partial.AmountPaid.MinorUnits, partial.AmountRemaining.MinorUnits));
        Assert.Equal((InvoiceStatus.Paid, 0L), (paid.Status, paid.AmountRemaining.MinorUnits));
    }

    [Fact]
    public void ApplyPayments_SmallerAmountLater_NeverMovesBack()
    {
        var paid = Finalized(3_000).ApplyPayments(3_500);

        var after = paid.ApplyPayments(100);

        Assert.Same(paid, after);
        Assert.Equal((InvoiceStatus.Paid, 3_500L, 0L), (after.Status, after.AmountPaid.MinorUnits, after.AmountRemaining.MinorUnits));
    }

    [Fact]
    public void ApplyPayments_VoidInvoice_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => Finalized(3_000).Void().ApplyPayments(3_000));
    }

    [Fact]
    public void Json_PartiallyPaid_RoundTripsWithPaidAndRemaining()
    {
        var partial = Finalized(3_000).ApplyPayments(1);

        string json = InvoiceJson.Serialize(partial);
        var back = InvoiceJson.Deserialize(json);

        Assert.Contains("\"status\":\"partially_paid\"", json, StringComparison.Ordinal);
        Assert.Contains("\"amountPaid\":\"0.01\",\"amountPaidMinor\":1,\"amountRemaining\":\"29.99\",\"amountRemainingMinor\":2999", json, StringComparison.Ordinal);
        Assert.Equal((InvoiceStatus.PartiallyPaid, 1L), (back.Status, back.AmountPaid.MinorUnits));
    }

    [Fact]
    public void Json_FinalizedUnpaid_HasNoPaymentFields()
    {
        Assert.DoesNotContain("amountPaid", InvoiceJson.Serialize(Finalized(3_000)), StringComparison.Ordinal);
    }

    [Fact]
    public void Settle_CashShortByExactlyThePrePaymentCredit_PaidWithNothingRemaining()
    {
        var paid = Finalized(10_000).Settle(7_000, 3_000);

        Assert.Equal((InvoiceStatus.Paid, 7_000L, 3_000L, 0L), (paid.Status, paid.AmountPaid.MinorUnits, paid.PrePaymentCredited.MinorUnits, paid.AmountRemaining.MinorUnits));
    }

    [Fact]
    public void Settle_PrePaymentCreditWithoutCash_FinalizedOwingTheRest()
    {
        var credited = Finalized(10_000).Settle(0, 3_000);

        Assert.Equal((InvoiceStatus.Finalized, 7_000L), (credited.Status, credited.AmountRemaining.MinorUnits));
        Assert.True(InvoiceJson.ShowsPayments(credited));
    }

    [Fact]
    public void Settle_PrePaymentCreditVoidedAfterItSettledTheInvoice_PartiallyPaidOwingAgain()
    {
        var paid = Finalized(10_000).Settle(7_000, 3_000);

        var reopened = paid.Settle(7_000, 0);

        Assert.Equal((InvoiceStatus.PartiallyPaid, 3_000L, 0L), (reopened.Status, reopened.AmountRemaining.MinorUnits, reopened.PrePaymentCredited.MinorUnits));
    }

    [Fact]
    public void Settle_WholeTotalCreditedThenVoided_PaidThenFinalizedNeverSilentlyPaid()
    {
        var paid = Finalized(10_000).Settle(0, 10_000);

        var reopened = paid.Settle(0, 0);

        Assert.Equal(InvoiceStatus.Paid, paid.Status);
        Assert.Equal((InvoiceStatus.Finalized, 10_000L), (reopened.Status, reopened.AmountRemaining.MinorUnits));
    }

    [Fact]
    public void Settle_PaidInvoiceWithoutARecordedAmount_StaysPaidWhenNoCreditWentAway()
    {
        var legacy = new Invoice(Finalized(3_000).Id, "carrier-standard-v1", InvoiceStatus.Paid, Currency.USD, Finalized(3_000).Lines);

        Assert.Same(legacy, legacy.Settle(0, 0));
    }

    [Fact]
    public void Json_PrePaymentCredited_RoundTripsAndRemainingReflectsIt()
    {
        var paid = Finalized(10_000).Settle(7_000, 3_000);

        string json = InvoiceJson.Serialize(paid);
        var back = InvoiceJson.Deserialize(json);

        Assert.Contains("\"amountPaidMinor\":7000,\"amountRemaining\":\"0.00\",\"amountRemainingMinor\":0,\"prePaymentCredited\":\"30.00\",\"prePaymentCreditedMinor\":3000", json, StringComparison.Ordinal);
        Assert.Equal((InvoiceStatus.Paid, 7_000L, 3_000L), (back.Status, back.AmountPaid.MinorUnits, back.PrePaymentCredited.MinorUnits));
    }
}
