namespace Billing.Domain.Payments;

/// <summary>Why a payment was not applied. The names are the reconcile report's mismatch kinds.</summary>
public enum UnappliedReason
{
    None,
    CurrencyMismatch,
    UnknownCurrency,
    MalformedAmount,
    UnknownInvoice,
    InvoiceNotPayable,
    SourceCurrencyChanged,
}
