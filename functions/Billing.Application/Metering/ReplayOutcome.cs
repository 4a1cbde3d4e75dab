namespace Billing.Application.Metering;

/// <summary>What replaying a quarantined event through metering found.</summary>
public enum ReplayOutcome
{
    /// <summary>Valid now and metered by this replay: a new fact, counted like a late event of its own time.</summary>
    Metered,

    /// <summary>Already counted: its (source, id) was metered with this content (an earlier replay, or a resend); nothing counted again.</summary>
    Duplicate,

    /// <summary>Still fails validation; it stays quarantined with the current reasons.</summary>
    Invalid,

    /// <summary>Still not an event.</summary>
    Malformed,

    /// <summary>Table Storage still refuses its row.</summary>
    Unstorable,

    /// <summary>Its (source, id) counts with other content: the first version counts and this one never replaces it.</summary>
    Conflict,

    /// <summary>
    /// A compute event whose interval still overlaps the interval another event of its (source, lease) claimed first: that
    /// event counts, this one stays set aside. Metered instead once that claim is gone (its event was set aside after all).
    /// </summary>
    Overlap,

    /// <summary>Not put through metering: there is nothing it could meter (no payload kept, a row or hub this platform does not know).</summary>
    Refused,
}
