namespace Billing.Domain.Tests.Partners;

public class PayerIdsTests
{
    private static readonly BillingPeriod LastPeriod = new(9998, 12);

    [Fact]
    public void Problem_LongestIdAccepted_ItsInvoiceEntryIdFitsTheLedger()
    {
        string payer = new('x', PayerIds.MaxLength);

        Assert.Null(PayerIds.Problem(payer));
        Assert.True(LedgerValidation.IsValidEntryId(LedgerEntries.InvoiceFinalizedId(new InvoiceId(payer, LastPeriod).ToString())));
    }

    [Fact]
    public void Problem_OneCharacterLonger_RefusedNamingTheLimit()
    {
        // Fits an invoice id and receivable:{payer}, not invoice-finalized:INV-{payer}-{yyyyMM}: before, it was accepted and
        // its invoice stored by a close that could never book it.
        string payer = new('x', PayerIds.MaxLength + 1);

        Assert.False(LedgerValidation.IsValidEntryId(LedgerEntries.InvoiceFinalizedId(new InvoiceId(payer, LastPeriod).ToString())));
        Assert.Contains($"at most {PayerIds.MaxLength} characters", PayerIds.Problem(payer), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("carrier tmo", "whitespace")]
    [InlineData("carrier-\U0001F680", "U+FFFF")]
    public void Problem_IdAnInvoiceOrAccountRefuses_NamesWhy(string payer, string expected) =>
        Assert.Contains(expected, PayerIds.Problem(payer), StringComparison.Ordinal);
}
