namespace Billing.Cli.Generation;

/// <summary>The generated NDJSON lines and what they hold.</summary>
public sealed record GeneratedData(
    IReadOnlyList<string> Lines,
    DateTimeOffset WindowStart,
    DateTimeOffset WindowEnd,
    int CarrierEvents,
    int ComputeEvents,
    int DuplicateEvents,
    int LateEvents)
{
    public int DistinctEvents => CarrierEvents + ComputeEvents + LateEvents;
}
