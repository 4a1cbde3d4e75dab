namespace Billing.Documents.Invoices;

/// <summary>Who issues the invoice, as printed in its head.</summary>
/// <param name="Name">Legal or trading name.</param>
/// <param name="AddressLines">Postal address, one line each (may be empty).</param>
/// <param name="Email">Billing contact, if any.</param>
/// <param name="TaxId">VAT or tax number, if any.</param>
public sealed record InvoiceIssuer(string Name, IReadOnlyList<string> AddressLines, string? Email = null, string? TaxId = null);
