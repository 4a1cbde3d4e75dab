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
    /// <summary>Events per requested declarative network, in catalogue order.</summary>
    public IReadOnlyList<(SampleNetwork Network, int Events)> NetworkEvents { get; init; } = [];

    public int DistinctEvents => CarrierEvents + ComputeEvents + LateEvents + NetworkEvents.Sum(n => n.Events);
}
