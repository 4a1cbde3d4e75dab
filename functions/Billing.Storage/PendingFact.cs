namespace Billing.Storage;

/// <summary>A validated fact plus the raw event text it came from (kept on the identity row so a conflict can show both versions).</summary>
public sealed record PendingFact(UsageFact Fact, string RawEvent);
