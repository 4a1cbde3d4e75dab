namespace Billing.Storage;

/// <summary>
/// What an event's main row records when metering sets the same event aside again (a redelivered batch, a retried
/// invocation, a partner sending the same payload again): the first delivery's facts (<c>QuarantinedAt</c>, position,
/// <c>Reasons</c>, payload) are never rewritten; the row counts the deliveries and keeps the last one's time and position,
/// and reasons that differ from the first ones (a redelivery's, or a replay's) as <see cref="LatestReasons"/>. A row
/// without these columns (written before they existed, or seen once) reads as one delivery.
/// </summary>
internal static class QuarantineDelivery
{
    public const string Deliveries = "Deliveries";
    public const string LastSeenAt = "LastSeenAt";
    public const string LastSequenceNumber = "LastSequenceNumber";
    public const string LastPartitionId = "LastPartitionId";
    public const string LatestReasons = "LatestReasons";
    public const string LatestReasonsAt = "LatestReasonsAt";

    /// <summary>The columns this class writes (a list reads them).</summary>
    public static readonly string[] Columns = [Deliveries, LastSeenAt, LastSequenceNumber, LastPartitionId, LatestReasons, LatestReasonsAt];

    /// <summary>What a redelivery reads of the stored row: its count, its first reasons, whether it keeps a payload, and which one on how many rows.</summary>
    public static readonly string[] ReadColumns = [Deliveries, "Reasons", "Source", "EventId", "RawChunks", "Raw", "Unstored", "Rows", "RawSha256"];

    /// <summary>First facts a stub (<c>Unstored</c>) does not keep, which the delivery that fills in its payload supplies.</summary>
    public static readonly string[] StubLacks = ["Reasons", "Source", "EventId"];

    /// <summary>
    /// The merge that records <paramref name="incoming"/> (the row this delivery would have written) as one more delivery of
    /// <paramref name="stored"/>; only the delivery columns, so what was seen first stays.
    /// </summary>
    public static TableEntity Update(TableEntity stored, TableEntity incoming)
    {
        long count = QuarantineRows.Integer(stored, Deliveries) is { } n and >= 1 ? n : 1;
        // Saturates: a planted count at the maximum must not overflow (checked arithmetic) and fail every batch holding the event.
        var update = new TableEntity(incoming.PartitionKey, incoming.RowKey) { [Deliveries] = count < long.MaxValue ? count + 1 : count }; // a read of some columns has no keys
        if (incoming.TryGetValue("QuarantinedAt", out object? seen) && seen is not null)
        {
            update[LastSeenAt] = seen;
        }

        // A position is a partition and a sequence number together, never one delivery's partition with another's number. A
        // delivery without a whole one (a conflict, an unstorable event) leaves the last known: a merge cannot remove a property.
        if (incoming.TryGetValue("SequenceNumber", out object? sequence) && sequence is not null
            && incoming.TryGetValue("PartitionId", out object? partition) && partition is not null)
        {
            (update[LastSequenceNumber], update[LastPartitionId]) = (sequence, partition);
        }

        if (EntityText.Of(incoming, "Reasons") is { } reasons && incoming.TryGetValue("QuarantinedAt", out object? at) && at is DateTimeOffset when)
        {
            NoteReasons(stored, reasons, when, update);
        }

        return update;
    }

    /// <summary>
    /// The last delivery's position as <see cref="Update"/> writes it, whole: its sequence number and partition, or, on a row
    /// no later delivery with a position reached, the first delivery's.
    /// </summary>
    public static (long? SequenceNumber, string? PartitionId) LastPosition(TableEntity e) =>
        QuarantineRows.Integer(e, LastSequenceNumber) is { } sequence
            ? (sequence, EntityText.Of(e, LastPartitionId))
            : (QuarantineRows.Integer(e, "SequenceNumber"), EntityText.Of(e, "PartitionId"));

    /// <summary>Adds <paramref name="reasons"/> (joined as stored) to <paramref name="update"/> as the latest when they differ from the row's first reasons.</summary>
    public static void NoteReasons(TableEntity stored, string reasons, DateTimeOffset at, TableEntity update)
    {
        if (!string.Equals(EntityText.Of(stored, "Reasons"), reasons, StringComparison.Ordinal))
        {
            update[LatestReasons] = reasons;
            update[LatestReasonsAt] = at;
        }
    }
}
