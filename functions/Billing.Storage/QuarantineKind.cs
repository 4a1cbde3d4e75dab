namespace Billing.Storage;

/// <summary>Why an event was set aside.</summary>
public enum QuarantineKind
{
    /// <summary>Failed validation at metering.</summary>
    Invalid,

    /// <summary>An id already metered with different content; both versions are kept.</summary>
    Conflict,

    /// <summary>Not even an event (unparseable host payload element).</summary>
    Malformed,

    /// <summary>A valid event Table Storage refused deterministically (a 4xx that is not a conflict); the reason is the service's.</summary>
    Unstorable,

    /// <summary>
    /// An event whose window overlaps the window of another event (another id) of the same usage key claimed first (a
    /// compute lease's interval, a carrier session's window): that usage is billed once (<see cref="IntervalClaims"/>).
    /// </summary>
    Overlap,
}
