namespace Billing.Application.Invoicing;

/// <summary>Checks <see cref="InvoiceIssuerOptions"/> at start: printable text that fits an invoice head.</summary>
public sealed class InvoiceIssuerOptionsValidator : IValidateOptions<InvoiceIssuerOptions>
{
    public ValidateOptionsResult Validate(string? name, InvoiceIssuerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        const string At = InvoiceIssuerOptions.Section;
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Name) || !Printable(options.Name))
        {
            errors.Add($"{At}:Name must be 1-{InvoiceIssuerOptions.MaxLength} printable characters.");
        }

        if (options.Address.Count > InvoiceIssuerOptions.MaxAddressLines)
        {
            errors.Add($"{At}:Address has {options.Address.Count} lines; at most {InvoiceIssuerOptions.MaxAddressLines}.");
        }

        for (int i = 0; i < options.Address.Count; i++)
        {
            if (!Printable(options.Address[i]))
            {
                errors.Add($"{At}:Address:{i} must be at most {InvoiceIssuerOptions.MaxLength} printable characters.");
            }
        }

        if (options.Email is { Length: > 0 } email && (!Printable(email) || email.IndexOf('@', StringComparison.Ordinal) is < 1 || email.Contains(' ', StringComparison.Ordinal)))
        {
            errors.Add($"{At}:Email '{email}' is not an e-mail address.");
        }

        if (options.TaxId is { Length: > 0 } taxId && !Printable(taxId))
        {
            errors.Add($"{At}:TaxId must be at most {InvoiceIssuerOptions.MaxLength} printable characters.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool Printable(string? text) => text is not null && text.Length <= InvoiceIssuerOptions.MaxLength && !text.Any(char.IsControl);
}
