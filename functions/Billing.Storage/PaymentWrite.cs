namespace Billing.Storage;

/// <summary>How an attempt to record a payment event ended.</summary>
public enum PaymentWrite
{
    Recorded,

    /// <summary>The event id is already recorded (a replay or a concurrent delivery).</summary>
    AlreadyRecorded,

    /// <summary>Another event for the same invoice changed the invoice's payment state first: decide again.</summary>
    StateChanged,
}
