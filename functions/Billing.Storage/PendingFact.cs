namespace Billing.Storage;

/// <summary>A validated fact plus the raw event text it came from (kept on the identity row so a conflict can show both versions).</summary>
public sealed record PendingFact(UsageFact Fact, string RawEvent)
{
    /// <summary>
    /// Per meter, the most its payer's month may hold (<see cref="Billing.Domain.Pricing.BillableLimit.MonthQuantity"/>, over all
    /// the payer's partitions): the fact is refused (<see cref="AppendResult.OverLimit"/>) when it would take its partition's
    /// share past it. Null or a meter not named: no limit.
    /// </summary>
    public IReadOnlyDictionary<string, Int128>? MonthLimits { get; init; }

    /// <summary>The event's sequence number in its hub partition, when known: kept if the event is set aside after all (a conflict, a refused row).</summary>
    public long? SequenceNumber { get; init; }

    /// <summary>When its hub had the event, when known: kept with the sequence number, so a replay takes the event's age as metering did.</summary>
    public DateTimeOffset? EnqueuedTime { get; init; }
}
