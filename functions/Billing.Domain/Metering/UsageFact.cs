namespace Billing.Domain.Metering;

/// <summary>
/// One accepted usage event reduced to what metering and billing need. Facts are the source of truth:
/// every total is recomputed from them, so a fact must exist exactly once per <c>(Source, Id)</c>.
/// </summary>
public sealed record UsageFact
{
    public UsageFact()
    {
    }

    /// <summary>
    /// A fact of a validated event: the envelope fields from its (complete) header, the type's own fields in the
    /// caller's object initializer. One allocation, as on the validators' hot path.
    /// </summary>
    [SetsRequiredMembers]
    internal UsageFact(in Events.EventHeader header, string payer, string type, string contentHash)
    {
        Source = header.Source!;
        Id = header.Id!;
        Payer = payer;
        Type = type;
        Time = header.Time!.Value.ToUniversalTime();
        ContentHash = contentHash;
    }

    public required string Source { get; init; }
    public required string Id { get; init; }
    public required string Payer { get; init; }
    public required string Type { get; init; }

    /// <summary>The billing instant (CloudEvents <c>time</c>), UTC.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>SHA-256 (hex) of the event's canonical content: equal for a redelivery, different for a conflicting resend.</summary>
    public required string ContentHash { get; init; }

    /// <summary>
    /// True when storage claims the fact's (source, id) before it writes the fact: the poster's role may post a type that
    /// names its payer in data (providers: compute usage; any role: a declared type with a payer field), so one id of the
    /// source could reach two payers' partitions, through one such type or through it and another type of the role
    /// (<see cref="Events.UsageEventValidator.ClaimsIds"/>). Not stored.
    /// </summary>
    public bool ClaimsId { get; init; }

    // depin.carrier.offload.v1
    public string? Hotspot { get; init; }
    public string? Rat { get; init; }
    public long Bytes { get; init; }

    // depin.compute.usage.v1
    public string? GpuModel { get; init; }
    public string? Lease { get; init; }
    public string? Provider { get; init; }
    public long GpuSeconds { get; init; }

    /// <summary>
    /// The start of a compute interval (<c>data.intervalStart</c>, UTC; <see cref="Time"/> is its end), set by the validator:
    /// storage claims <c>[IntervalStart, Time)</c> for the lease so overlapping intervals are billed once. Null when not
    /// known (a fact not read from an event): such a fact claims no interval. Not stored.
    /// </summary>
    public DateTimeOffset? IntervalStart { get; init; }

    /// <summary>
    /// A carrier session's <c>data.sessionId</c>, set by the validator with the session's window in
    /// <see cref="IntervalStart"/> (<c>data.startTime</c>) and <see cref="IntervalEnd"/> (<c>data.endTime</c>): storage claims
    /// the window for the session so a session sent under two ids is billed once. Null when not known (a fact not read from
    /// an event): such a fact claims nothing. Not stored.
    /// </summary>
    public string? Session { get; init; }

    /// <summary>The end of a carrier session's window (<c>data.endTime</c>, UTC); null for other types (a compute interval ends at <see cref="Time"/>). Not stored.</summary>
    public DateTimeOffset? IntervalEnd { get; init; }

    /// <summary>A declared type's meters (<c>meters/*.json</c>): one reading per meter the event contributes to.</summary>
    public IReadOnlyList<MeterReading> Readings { get; init; } = [];

    public bool IsCarrier => Type == Events.EventTypes.CarrierOffloadV1;

    public bool IsCompute => Type == Events.EventTypes.ComputeUsageV1;

    /// <summary>True for a fact of a declared type (its quantities are in <see cref="Readings"/>).</summary>
    public bool IsDeclared => !IsCarrier && !IsCompute;

    /// <summary>The fact's contribution to <paramref name="meter"/>, or null when the meter does not apply.</summary>
    public long? Quantity(string meter) => meter switch
    {
        Meters.OffloadBytes when IsCarrier => Bytes,
        Meters.OffloadSessions when IsCarrier => 1,
        Meters.ComputeGpuSeconds when IsCompute => GpuSeconds,
        _ when IsDeclared => Reading(meter)?.Quantity,
        _ => null,
    };

    /// <summary>The reading of a declared meter, or null.</summary>
    public MeterReading? Reading(string meter)
    {
        foreach (var r in Readings)
        {
            if (r.Meter == meter)
            {
                return r;
            }
        }

        return null;
    }

    /// <summary>The value of dimension <paramref name="name"/> of <paramref name="meter"/> (declared meters may differ per meter).</summary>
    public string? Dimension(string meter, string name) => IsDeclared ? Reading(meter)?.Dimension(name) : Dimension(name);

    public string? Dimension(string name) => name switch
    {
        Meters.Hotspot => Hotspot,
        Meters.Rat => Rat,
        Meters.GpuModel => GpuModel,
        Meters.Lease => Lease,
        Meters.Provider => Provider,
        _ => null,
    };
}
