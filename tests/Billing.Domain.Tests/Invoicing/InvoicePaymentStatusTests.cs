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
}
