namespace Billing.Domain.Payments;

/// <summary>
/// What an invoice's money makes of it (docs/design.md §4.16): the cash its payments brought in and the pre-payment credit of
/// its standing, applied credit notes. Stripe lowers the amount due by such a credit, and <c>amount_paid</c> with it, so the
/// invoice is settled when cash covers the total less that credit. Pure integer minor units; order-free: the same inputs give
/// the same answer whichever webhook came first.
/// </summary>
/// <param name="TotalMinor">The invoice total.</param>
/// <param name="ReceivedMinor">Cash applied to the invoice (<see cref="InvoicePayments.ReceivedMinor"/>).</param>
/// <param name="PrePaymentCreditedMinor">Standing, applied pre-payment credit (<c>InvoiceCredits.PrePaymentCreditedMinor</c>).</param>
public readonly record struct InvoiceSettlement(long TotalMinor, long ReceivedMinor, long PrePaymentCreditedMinor)
{
    /// <summary>What cash must bring in: the total less the pre-payment credit, never below zero.</summary>
    public long DueMinor => Math.Max(0, Math.Max(TotalMinor, 0) - Math.Max(PrePaymentCreditedMinor, 0));

    /// <summary>Cash plus pre-payment credit covers the total.</summary>
    public bool Settled => ReceivedMinor >= DueMinor;

    /// <summary>What is still owed.</summary>
    public long RemainingMinor => Math.Max(0, DueMinor - ReceivedMinor);

    /// <summary>
    /// Cash received beyond what was due: the payer's credit, never revenue. A refund up to it returns that credit, so it neither
    /// lowers what the invoice kept nor holds its burn (<c>InvoiceKept</c>, <c>RefundsBeyondNotes</c>).
    /// </summary>
    public long OverpaidMinor => Math.Max(0, ReceivedMinor - DueMinor);

    /// <summary>
    /// The fiat value the invoice's one burn may convert: what was due in cash, once it has all arrived, else nothing. It is never
    /// more than the cash received (settled means received ≥ due), never the credited part, and never an overpayment (a customer
    /// credit). Enforced right before signing (<c>BurnExecutor.Credits.cs</c>).
    /// </summary>
    public long BurnableMinor => Settled ? DueMinor : 0;
}
