namespace Billing.Application.Ledger;

/// <summary>What <see cref="ReconcileAcknowledger.AcknowledgeAsync"/> did.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Findings">The findings of that kind and subject, each with its acknowledgement (empty unless acknowledged).</param>
/// <param name="Detail">Why, for the caller.</param>
public sealed record AcknowledgeResult(AcknowledgeOutcome Outcome, IReadOnlyList<AcknowledgedProblem> Findings, string Detail);
