namespace Billing.Application.Payments;

/// <summary>
/// What an invoice's payer paid beyond what was due (<see cref="InvoiceSettlement.OverpaidMinor"/>), in the invoice's currency:
/// Stripe refunding up to that much returns the payer's credit, not revenue (<see cref="RefundsBeyondNotes"/>).
/// </summary>
/// <param name="Currency">The invoice's currency.</param>
/// <param name="Minor">The overpaid amount; zero when none (or unknown: then every refund counts against revenue).</param>
internal readonly record struct Overpayment(string Currency, long Minor)
{
    /// <summary>Nothing overpaid, in any currency.</summary>
    public static Overpayment None => new("", 0);

    /// <summary>What <paramref name="invoice"/>'s payments (<paramref name="paid"/>, null: none) brought in beyond what was due after <paramref name="credits"/>.</summary>
    public static Overpayment Of(Invoice invoice, InvoicePayments? paid, InvoiceCredits credits) =>
        new(invoice.Currency.Code, new InvoiceSettlement(invoice.Total.MinorUnits, paid?.ReceivedMinor ?? 0, credits.PrePaymentCreditedMinor).OverpaidMinor);

    /// <summary>What of it a refund in <paramref name="currency"/> may return.</summary>
    public long In(string currency) => string.Equals(currency, Currency, StringComparison.Ordinal) ? Minor : 0;
}
