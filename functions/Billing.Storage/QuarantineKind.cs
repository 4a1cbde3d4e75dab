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
    /// A compute event whose interval overlaps the interval of another event (another id) of the same (source, lease)
    /// claimed first: the lease's usage is billed once (<see cref="LeaseIntervalClaims"/>).
    /// </summary>
    Overlap,
}
