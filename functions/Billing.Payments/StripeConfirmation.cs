namespace Billing.Payments;

/// <summary>
/// What Stripe answered when asked whether one of its invoices paid one of ours (<see cref="StripeInvoiceConfirmation"/>):
/// confirmed, refuted (with why), unreachable (transient: ask again later, act on nothing meanwhile), or not askable at all
/// (no secret key).
/// </summary>
public abstract record StripeConfirmation
{
    private StripeConfirmation()
    {
    }

    /// <summary>
    /// Stripe says it was paid, at least the amount, in the currency and mode, for our invoice; <see cref="Charges"/> are the
    /// charges that paid it when they were asked for (before a burn), else none.
    /// </summary>
    public sealed record Confirmed : StripeConfirmation
    {
        public static readonly Confirmed Instance = new([]);

        internal Confirmed(IReadOnlyList<StripeCharge> charges)
        {
            Charges = charges;
        }

        public IReadOnlyList<StripeCharge> Charges { get; }
    }

    /// <summary>Stripe says otherwise; <paramref name="Detail"/> says what it answered (no secrets).</summary>
    public sealed record Refuted(StripeRefutation Reason, string Detail) : StripeConfirmation
    {
        /// <summary>
        /// Whether the refutation may be our own misconfiguration rather than planted rows (no such invoice: a key of another
        /// account, a test key receiving live payments, a wrong ApiBase; another mode than the key's, or a key of no known mode):
        /// nothing is booked on it, but it is asked again on the next run, so fixing the key books what Stripe then confirms.
        /// </summary>
        public bool MayBeOurConfiguration => Reason is StripeRefutation.NoSuchInvoice or StripeRefutation.ModeDiffers;
    }

    /// <summary>No answer to decide on (network, timeout, 5xx, 429, or Stripe refusing our own key): nothing is decided.</summary>
    public sealed record Unreachable(string Detail) : StripeConfirmation;

    /// <summary>No secret key is configured: Stripe cannot be asked.</summary>
    public sealed record NoKey : StripeConfirmation
    {
        public static readonly NoKey Instance = new();

        private NoKey()
        {
        }
    }
}
