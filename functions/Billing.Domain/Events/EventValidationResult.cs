namespace Billing.Domain.Events;

/// <summary>The outcome for one event: a fact, or every error found (never just the first).</summary>
public sealed class EventValidationResult
{
    internal EventValidationResult(string? id, string? source, UsageFact? fact, IReadOnlyList<ValidationError>? errors, bool namesUnknownPartner = false, UsageFact? refused = null, bool namesUngrantedPayer = false)
    {
        Refused = refused;
        Id = id;
        Source = source;
        Fact = fact;
        Errors = errors ?? [];
        NamesUnknownPartner = namesUnknownPartner;
        NamesUngrantedPayer = namesUngrantedPayer;
    }

    /// <summary>The event id when it could be read, for error reports.</summary>
    public string? Id { get; }

    /// <summary>The event source when it could be read (even an unregistered one), for quarantine records.</summary>
    public string? Source { get; }

    public UsageFact? Fact { get; }

    public IReadOnlyList<ValidationError> Errors { get; }

    public bool IsValid => Fact is not null;

    /// <summary>
    /// For compute usage or a carrier session refused although every field of its fact reads (for what it names: a tenant
    /// or carrier its plan no longer prices it for, an unknown partner), that fact: an earlier try that was valid may have
    /// claimed its lease interval or session window, which metering releases. Null otherwise.
    /// </summary>
    public UsageFact? Refused { get; }

    /// <summary>
    /// Whether an error names a partner (source, payer) the registry did not know: one registered since the registry was
    /// read may make the event valid, so a cached registry is worth reading again before the event is refused for good.
    /// </summary>
    public bool NamesUnknownPartner { get; }

    /// <summary>
    /// Whether an error names a payer the registry knows that has not granted the poster: a grant made since the registry
    /// was read may make the event valid too, but a sender can name such a payer at will, so it is worth a read at most
    /// once a second (<see cref="NamesUnknownPartner"/> is worth one a metering batch).
    /// </summary>
    public bool NamesUngrantedPayer { get; }
}
