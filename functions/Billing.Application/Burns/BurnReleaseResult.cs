namespace Billing.Application.Burns;

/// <summary>What <see cref="BurnReleaser.ReleaseAsync"/> did.</summary>
/// <param name="Outcome">How it ended.</param>
/// <param name="Burn">The burn as it stands after it (null when not found).</param>
/// <param name="Detail">Why, for the caller.</param>
public sealed record BurnReleaseResult(BurnReleaseOutcome Outcome, BurnIntent? Burn, string Detail);
