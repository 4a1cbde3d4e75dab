namespace Billing.Storage;

/// <summary>One quarantined event with its payload byte for byte (<see cref="ExistingRaw"/>: a conflict's first version).</summary>
public sealed record QuarantineDetail(QuarantineEntry Entry, string? Raw, string? ExistingRaw);
