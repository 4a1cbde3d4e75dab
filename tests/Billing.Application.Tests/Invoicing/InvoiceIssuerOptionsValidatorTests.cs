using Billing.Application.Invoicing;

namespace Billing.Application.Tests.Invoicing;

public class InvoiceIssuerOptionsValidatorTests
{
    [Fact]
    public void Validate_Defaults_Succeed()
    {
        Assert.True(new InvoiceIssuerOptionsValidator().Validate(null, new InvoiceIssuerOptions()).Succeeded);
    }

    [Fact]
    public void Validate_BadValues_NameEverySetting()
    {
        var options = new InvoiceIssuerOptions
        {
            Name = " ",
            Address = ["ok", "tab\there", new string('x', 121), "4", "5", "6", "7"],
            Email = "not an address",
            TaxId = "line\nbreak",
        };

        var result = new InvoiceIssuerOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        foreach (string setting in new[] { "Issuer:Name", "Issuer:Address has 7 lines", "Issuer:Address:1", "Issuer:Address:2", "Issuer:Email", "Issuer:TaxId" })
        {
            Assert.Contains(result.Failures!, f => f.Contains(setting, StringComparison.Ordinal));
        }
    }
}
