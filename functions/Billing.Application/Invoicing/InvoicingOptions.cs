namespace Billing.Application.Invoicing;

/// <summary>Bound from <c>Billing:Invoicing</c>.</summary>
public sealed class InvoicingOptions
{
    public const string Section = "Billing:Invoicing";

    /// <summary>How long after a month ends the ClosePeriods timer waits before closing it, so late-arriving events still land in it.</summary>
    public TimeSpan CloseGrace { get; set; } = TimeSpan.FromHours(24);

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
