namespace Billing.Contracts.Rollups;

/// <summary>
/// GET /api/v1/rollups/verify: the payer's rollups of the month against a recomputation from its facts; <c>unsettled</c>
/// lists the rows metering rewrote during each check (neither confirmed nor reported: verify again later).
/// </summary>
public sealed record RollupVerifyResponse(
    string Payer, string Month, bool Ok, long Facts, int Buckets, IReadOnlyList<RollupDifferenceView> Differences, IReadOnlyList<RollupUnsettledView> Unsettled);
