namespace Billing.Application.Rollups;

/// <summary>The outcome of comparing a payer's rollups of one month with a recomputation from its facts.</summary>
public sealed record RollupVerification(
    string Payer, BillingPeriod Month, long Facts, int Buckets, IReadOnlyList<RollupDifference> Differences, IReadOnlyList<RollupUnsettled> Unsettled)
{
    public bool Ok => Differences.Count == 0;
}
