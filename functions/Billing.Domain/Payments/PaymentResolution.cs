namespace Billing.Domain.Payments;

/// <summary>What a payment event did to its invoice.</summary>
public enum PaymentResolution
{
    /// <summary>New money in the invoice's currency: booked against the receivable (and any excess as a customer credit).</summary>
    Applied,

    /// <summary>Nothing new: the event repeats a cumulative <c>amount_paid</c> already recorded (or an older, smaller one).</summary>
    Unchanged,

    /// <summary>Recorded but not applied to the invoice (see <see cref="UnappliedReason"/>); never burned.</summary>
    Unapplied,
}
