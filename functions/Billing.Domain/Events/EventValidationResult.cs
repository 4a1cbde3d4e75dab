namespace Billing.Domain.Events;

/// <summary>The outcome for one event: a fact, or every error found (never just the first).</summary>
public sealed class EventValidationResult
{
    internal EventValidationResult(string? id, string? source, UsageFact? fact, IReadOnlyList<ValidationError>? errors)
    {
        Id = id;
        Source = source;
        Fact = fact;
        Errors = errors ?? [];
    }

    /// <summary>The event id when it could be read, for error reports.</summary>
    public string? Id { get; }

    /// <summary>The event source when it could be read (even an unregistered one), for quarantine records.</summary>
    public string? Source { get; }

    public UsageFact? Fact { get; }

    public IReadOnlyList<ValidationError> Errors { get; }

    public bool IsValid => Fact is not null;
}
