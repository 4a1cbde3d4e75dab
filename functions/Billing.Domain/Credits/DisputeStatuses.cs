namespace Billing.Domain.Credits;

/// <summary>
/// What a Stripe dispute's status means for the cash of its charge. Open (<c>warning_needs_response</c>,
/// <c>warning_under_review</c>, <c>needs_response</c>, <c>under_review</c>): the cash may go back. Lost: it went back for
/// good. Released (<c>won</c>, <c>warning_closed</c>, <c>prevented</c>): the platform keeps it. A status Stripe may add later,
/// or none, is read the careful way: as one that may take the cash (it holds a burn, as an open one does).
/// </summary>
public static class DisputeStatuses
{
    public const string Lost = "lost";

    /// <summary>Whether the dispute no longer threatens the charge's cash: won, an inquiry closed, or prevented.</summary>
    public static bool Releases(string? status) => status is "won" or "warning_closed" or "prevented";

    /// <summary>Whether the dispute is decided (released or lost): a later-dated event saying it is open again does not reopen it.</summary>
    public static bool IsClosed(string? status) => Releases(status) || status == Lost;

    /// <summary>Whether an unsigned burn of the charge's invoice waits: every status but a releasing one.</summary>
    public static bool Holds(string? status) => !Releases(status);

    /// <summary>Whether it is a status Stripe documents; another is reported as such (the dispute still holds its burn).</summary>
    public static bool IsKnown(string? status) =>
        IsClosed(status) || status is "warning_needs_response" or "warning_under_review" or "needs_response" or "under_review";
}
