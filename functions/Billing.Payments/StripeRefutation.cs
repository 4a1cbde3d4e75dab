namespace Billing.Payments;

/// <summary>Why Stripe does not confirm that one of its invoices paid what our rows say it did (<see cref="StripeConfirmation.Refuted"/>).</summary>
public enum StripeRefutation
{
    /// <summary>Its status is not <c>paid</c>.</summary>
    NotPaid,

    /// <summary>Its <c>amount_paid</c> is less than the rows say was received from it.</summary>
    AmountShort,

    /// <summary>It is in another currency than our invoice.</summary>
    CurrencyDiffers,

    /// <summary>Its <c>livemode</c> is not the secret key's mode (or the key's mode is not known).</summary>
    ModeDiffers,

    /// <summary>Its metadata names another invoice, or names none and the platform's sync did not link it to ours.</summary>
    NamesAnotherInvoice,

    /// <summary>Stripe has no such invoice (404), or the rows name none a Stripe id can be.</summary>
    NoSuchInvoice,
}
