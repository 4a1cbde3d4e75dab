namespace Billing.Application.Burns;

/// <summary>What one executor run did: whether it held the treasury lease, how many intents ended and how many wait.</summary>
public sealed record BurnRunSummary(bool LeaseHeld, int Finalized, int Waiting, string? Detail);
