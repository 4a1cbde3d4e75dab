namespace Billing.Domain.Credits;

/// <summary>Why a credit note was recorded without being applied to its invoice. The reconcile kinds are <c>CreditNote{name}</c>.</summary>
public enum CreditNoteReason
{
    None,

    /// <summary>No invoice of this deployment carries the credit note's Stripe invoice.</summary>
    UnknownInvoice,

    /// <summary>The invoice, its payments or its credit notes are stored in a row this platform cannot read.</summary>
    StoredRowUnreadable,

    /// <summary>The invoice is a draft or void: there is nothing to credit.</summary>
    InvoiceNotCreditable,

    CurrencyMismatch,
    UnknownCurrency,

    /// <summary>An amount is negative, not an integer, or the parts do not add up to the amount.</summary>
    MalformedAmount,

    /// <summary>With the notes before it, more than the invoice total would be credited.</summary>
    ExceedsInvoice,

    /// <summary>With the notes before it, more would go back after payment than the payments brought in.</summary>
    ExceedsPaid,
}
