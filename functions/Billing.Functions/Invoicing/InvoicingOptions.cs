using Microsoft.Extensions.Options;

namespace Billing.Functions.Invoicing;

/// <summary>Bound from <c>Billing:Invoicing</c>.</summary>
public sealed class InvoicingOptions
{
    public const string Section = "Billing:Invoicing";

    /// <summary>How long after a month ends the ClosePeriods timer waits before closing it, so late-arriving events still land in it.</summary>
    public TimeSpan CloseGrace { get; set; } = TimeSpan.FromHours(24);

    /// <summary>NCRONTAB schedule of the ClosePeriods timer (read by the host from the app setting of the same name).</summary>
    public string CloseSchedule { get; set; } = "0 30 0 * * *";

    /// <summary>
    /// A month that ended longer ago than this is closed only when finance forces it, so a typo ("2016-10") does not issue
    /// minimum-commitment invoices for a month nobody used the platform.
    /// </summary>
    public TimeSpan MaxCloseAge { get; set; } = TimeSpan.FromDays(92);

    /// <summary>How long the period-close lease lasts without renewal (it is renewed as payers complete); a crashed close frees it after this.</summary>
    public TimeSpan CloseLeaseDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a close waits for another one to finish before it answers 409 (closes run one at a time).</summary>
    public TimeSpan CloseLeaseWait { get; set; } = TimeSpan.FromMinutes(2);
}

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
