namespace Billing.Storage;

/// <summary>
/// Which quarantined events a page holds: one source's (<c>null</c>: every source's, including events whose source could
/// not be read) of one kind (<c>null</c>: every kind), quarantined in [<see cref="From"/>, <see cref="To"/>) (either
/// bound may be absent), and <see cref="Replayed"/>: <c>true</c> only events with a replay record, <c>false</c> only
/// events never replayed, <c>null</c> both.
/// </summary>
public sealed record QuarantineFilter(string? Source, QuarantineKind? Kind, DateTimeOffset? From, DateTimeOffset? To, bool? Replayed = null);
