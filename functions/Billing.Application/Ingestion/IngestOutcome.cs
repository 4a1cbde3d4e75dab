using Billing.Domain.Events;

namespace Billing.Application.Ingestion;

/// <summary>
/// What one usage request produced: the accepted events per hub (raw JSON, published as is), the rejected ones, and,
/// when nothing was accepted, the <see cref="Refusal"/> (for <see cref="IngestRefusalKind.NoEventAccepted"/> the
/// rejections are in <see cref="Rejected"/> too).
/// </summary>
public sealed record IngestOutcome(
    IReadOnlyList<string> CarrierEvents,
    IReadOnlyList<string> ComputeEvents,
    IReadOnlyList<EventRejection> Rejected,
    IngestRefusal? Refusal = null)
{
    public int Accepted => CarrierEvents.Count + ComputeEvents.Count;

    public static IngestOutcome Refused(IngestRefusalKind kind, string detail, params ValidationError[] errors) =>
        new([], [], [], new IngestRefusal(kind, detail, errors));
}
