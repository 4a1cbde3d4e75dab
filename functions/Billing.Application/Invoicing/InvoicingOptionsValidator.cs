namespace Billing.Application.Invoicing;

/// <summary>Checks <see cref="InvoicingOptions"/> at start.</summary>
public sealed class InvoicingOptionsValidator : IValidateOptions<InvoicingOptions>
{
    public ValidateOptionsResult Validate(string? name, InvoicingOptions options)
    {
        var errors = new List<string>();
        if (options.CloseGrace < TimeSpan.Zero || options.CloseGrace > TimeSpan.FromDays(20))
        {
            errors.Add("Billing:Invoicing:CloseGrace must be between 0 and 20 days.");
        }

        if (options.MaxCloseAge < TimeSpan.FromDays(31) || options.MaxCloseAge > TimeSpan.FromDays(3660))
        {
            errors.Add("Billing:Invoicing:MaxCloseAge must be between 31 days and 10 years.");
        }

        if (options.CloseLeaseDuration < TimeSpan.FromMinutes(1) || options.CloseLeaseDuration > TimeSpan.FromHours(2))
        {
            errors.Add("Billing:Invoicing:CloseLeaseDuration must be between 1 minute and 2 hours.");
        }

        if (options.CloseLeaseWait < TimeSpan.Zero || options.CloseLeaseWait > TimeSpan.FromMinutes(30))
        {
            errors.Add("Billing:Invoicing:CloseLeaseWait must be between 0 and 30 minutes.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
