namespace Billing.Application.Invoicing;

/// <summary>
/// The period may not be closed without <c>force</c> (HTTP 409): it ended longer ago than
/// <see cref="InvoicingOptions.MaxCloseAge"/>, or it ended before the deployment's first usage fact. Closing such a month
/// would issue minimum-commitment invoices for a time nobody used the platform.
/// </summary>
public sealed class PeriodRefusedException(BillingPeriod period, string reason)
    : Exception($"period {period} is not closed: {reason}; finance may force it with ?force=true")
{
    public BillingPeriod Period { get; } = period;
}
