namespace Billing.Domain.Payments;

/// <summary>The range every Stripe amount the platform records (payments, credit notes, refunds) is read within.</summary>
public static class StripeAmounts
{
    /// <summary>
    /// More than any amount Stripe can charge, credit or refund (its limit is eight digits of minor units), so sums of many
    /// never overflow: an event beyond it is read as malformed, and a stored row beyond it as changed outside the platform.
    /// </summary>
    public const long MaxMinor = 1_000_000_000_000;

    /// <summary>Whether a stored amount is one the platform records: 0 to <see cref="MaxMinor"/> minor units.</summary>
    public static bool IsRecordable(long minor) => minor is >= 0 and <= MaxMinor;
}
