namespace Billing.Application.Ingestion;

/// <summary>
/// What one usage request produced: the accepted events as publications (hub, payer partition key, raw JSON published
/// as is), the rejected ones, and, when nothing was accepted, the <see cref="Refusal"/> (for
/// <see cref="IngestRefusalKind.NoEventAccepted"/> the rejections are in <see cref="Rejected"/> too).
/// </summary>
public sealed record IngestOutcome(
    IReadOnlyList<PublishedUsage> Published,
    IReadOnlyList<EventRejection> Rejected,
    IngestRefusal? Refusal = null)
{
    public int Accepted => Published.Count;

    /// <summary>Whether an event was rejected for naming a partner the registry did not know (one may have been registered since).</summary>
    internal bool NamesUnknownPartner { get; init; }

    /// <summary>How many events of each type were accepted, in the order the types first appear.</summary>
    public IEnumerable<(string Type, int Count)> AcceptedByType() =>
        Published.CountBy(p => p.Type, StringComparer.Ordinal).Select(c => (c.Key, c.Value));

    public static IngestOutcome Refused(IngestRefusalKind kind, string detail, params ValidationError[] errors) =>
        new([], [], new IngestRefusal(kind, detail, errors));
}
