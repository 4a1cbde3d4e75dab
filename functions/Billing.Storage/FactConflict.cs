namespace Billing.Storage;

/// <summary>A second, different event with an id already taken.</summary>
public sealed record FactConflict(PendingFact Incoming, string? ExistingRawEvent, string ExistingHash);
