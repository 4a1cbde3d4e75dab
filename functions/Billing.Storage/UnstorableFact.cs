namespace Billing.Storage;

/// <summary>A fact Table Storage refused deterministically (it would fail the same way on every retry), with the service's reason.</summary>
public sealed record UnstorableFact(PendingFact Fact, string Reason);
