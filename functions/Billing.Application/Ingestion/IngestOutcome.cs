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

    /// <summary>How many accepted events go to <paramref name="hub"/>.</summary>
    public int AcceptedFor(UsageHub hub) => Published.Count(p => p.Hub == hub);

    public static IngestOutcome Refused(IngestRefusalKind kind, string detail, params ValidationError[] errors) =>
        new([], [], new IngestRefusal(kind, detail, errors));
}
