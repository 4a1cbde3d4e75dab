namespace Billing.Application.Invoicing;

/// <summary>Who issues the invoices, as printed on every invoice document. Bound from <c>Billing:Invoicing:Issuer</c>.</summary>
public sealed class InvoiceIssuerOptions
{
    public const string Section = "Billing:Invoicing:Issuer";

    public const int MaxLength = 120;

    public const int MaxAddressLines = 6;

    /// <summary>Legal or trading name; the local default says what it is.</summary>
    public string Name { get; set; } = "DePIN Billing (local development)";

    /// <summary>Postal address, one line each (<c>Billing__Invoicing__Issuer__Address__0</c>, …); none by default.</summary>
    public List<string> Address { get; set; } = [];

    /// <summary>Billing contact shown on the invoice, if any.</summary>
    public string? Email { get; set; }

    /// <summary>VAT or tax number, if any.</summary>
    public string? TaxId { get; set; }
}
