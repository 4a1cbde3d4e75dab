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
}

public sealed class InvoicingOptionsValidator : IValidateOptions<InvoicingOptions>
{
    public ValidateOptionsResult Validate(string? name, InvoicingOptions options) =>
        options.CloseGrace < TimeSpan.Zero || options.CloseGrace > TimeSpan.FromDays(20)
            ? ValidateOptionsResult.Fail("Billing:Invoicing:CloseGrace must be between 0 and 20 days.")
            : ValidateOptionsResult.Success;
}
