namespace Billing.Contracts.Ledger;

/// <summary>
/// The findings of that kind and subject, acknowledged. <see cref="Replay"/>: acknowledged before for the detail they have
/// now, so nothing was booked.
/// </summary>
public sealed record AcknowledgeFindingResponse(IReadOnlyList<AcknowledgedFinding> Acknowledged, bool Replay);
