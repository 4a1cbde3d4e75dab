namespace Billing.Contracts.Rollups;

/// <summary>GET /api/v1/rollups/verify: the payer's rollups of the month against a recomputation from its facts.</summary>
public sealed record RollupVerifyResponse(string Payer, string Month, bool Ok, long Facts, int Buckets, IReadOnlyList<RollupDifferenceView> Differences);
