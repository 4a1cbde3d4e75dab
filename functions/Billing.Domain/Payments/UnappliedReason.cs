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

    /// <summary>Paid by another Stripe customer than the payer's: the Stripe invoice is not the payer's, whatever its metadata says.</summary>
    CustomerMismatch,

    /// <summary>Paid through another Stripe invoice than the one the invoice was synced to (a copy carrying its metadata).</summary>
    StripeInvoiceMismatch,

    /// <summary>
    /// A later event of a Stripe invoice whose first one was recorded unapplied (e.g. before the invoice existed here): a Stripe
    /// invoice is judged once, so its money stays unapplied although nothing else is wrong with this event.
    /// </summary>
    SourceUnapplied,

    /// <summary>
    /// A Stripe invoice the platform synced from one invoice whose metadata names another: the metadata was edited in Stripe,
    /// so the money pays neither until finance decides (it is booked unapplied to the payer of the invoice synced).
    /// </summary>
    InvoiceMetadataMismatch,

    /// <summary>
    /// A Stripe invoice the platform did not sync whose metadata names no invoice of ours (missing, blank, malformed): whose
    /// money it is is unknown, so nothing is booked; recorded so that it is reported, never dropped.
    /// </summary>
    UnknownStripeInvoice,

    /// <summary>
    /// Marked paid outside Stripe (<c>paid_out_of_band</c>): no money arrived through Stripe, so nothing is booked as Stripe cash
    /// or burned; finance settles it.
    /// </summary>
    PaidOutOfBand,

    /// <summary>
    /// An event of the other Stripe mode than the deployment's API key (a test-mode payment on a live deployment, or the
    /// reverse): the webhook secret of the other mode's endpoint is configured. Not this deployment's money: nothing is booked
    /// or burned; recorded so that it is reported.
    /// </summary>
    LivemodeMismatch,
}
