namespace Billing.Domain.Events;

/// <summary>The envelope fields a fact needs; incomplete while any of them failed validation.</summary>
internal ref struct EventHeader
{
    public string? Id;
    public string? Source;
    public string? Type;
    public DateTimeOffset? Time;
    public bool HasSubject;
    public ReadOnlySpan<byte> Subject;

    public readonly bool IsComplete => Id is not null && Source is not null && Type is not null && Time is not null;
}
