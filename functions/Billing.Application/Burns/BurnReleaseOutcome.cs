namespace Billing.Application.Burns;

/// <summary>How a release of a held burn ended.</summary>
public enum BurnReleaseOutcome
{
    /// <summary>Released: pending for the amount finance gave (signed on the executor's next run), or skipped for zero.</summary>
    Released,

    /// <summary>No burn has that id.</summary>
    NotFound,

    /// <summary>The burn is not held: only a burn nothing was signed for, held for money going back, is finance's to decide.</summary>
    NotHeld,

    /// <summary>The amount is more than the invoice kept after its credit notes and refunds, or more than the burn converted.</summary>
    ExceedsKept,

    /// <summary>The burn was released <see cref="BurnReleaser.MaxReleases"/> times already, or its history holds no more.</summary>
    TooManyReleases,

    /// <summary>
    /// The ledger holds a release of the burn that is not on its row and is dated after now or booked for another invoice, or
    /// the release cannot be booked: nothing of this request was written.
    /// </summary>
    Conflict,
}
