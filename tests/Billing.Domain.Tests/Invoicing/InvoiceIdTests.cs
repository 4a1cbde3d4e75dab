namespace Billing.Domain.Tests.Invoicing;

public sealed class InvoiceIdTests
{
    [Theory]
    [InlineData("carrier-tmo\u200B")] // zero-width space: Stripe metadata naming a look-alike of a real invoice
    [InlineData("carrier\u2060-tmo")] // word joiner
    [InlineData("\uFEFFcarrier-tmo")] // byte order mark
    [InlineData("carrier-\u202Etmo")] // bidi override
    [InlineData("carrier\u2028tmo")] // line separator
    [InlineData("carrier-tmo\U000E0041")] // a tag character: a surrogate pair, Format only as one code point
    public void Parse_PayerWithACharacterThatDrawsAsNothing_Refused(string payer)
    {
        Assert.Throws<FormatException>(() => InvoiceId.Parse($"INV-{payer}-202610"));
        Assert.NotNull(InvoiceId.PayerProblem(payer));
        Assert.NotNull(PayerIds.Problem(payer));
    }

    [Theory]
    [InlineData("carrier-tmo")]
    [InlineData("tenant-ü")]
    public void Parse_PrintablePayer_ReadsItBack(string payer) =>
        Assert.Equal(payer, InvoiceId.Parse($"INV-{payer}-202610").Payer);
}
