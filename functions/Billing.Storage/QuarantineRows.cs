using System.Buffers.Text;

namespace Billing.Storage;

/// <summary>
/// How quarantine rows read back (<see cref="QuarantineStore"/> writes them): ids, list entries and payloads. Every value
/// is read without trusting its type, so a row planted by someone with storage access shows as what it is instead of
/// failing the list it is on.
/// </summary>
internal static class QuarantineRows
{
    /// <summary>What a list reads of a row: its keys and everything but the payload chunks (<c>Part</c> tells continuation rows apart).</summary>
    public static readonly string[] ListColumns =
        ["PartitionKey", "RowKey", "Kind", "Reasons", "Source", "EventId", "Hub", "PartitionId", "SequenceNumber", "EnqueuedTime", "QuarantinedAt", "RawSha256", "RawLength", "Unstored", "RawChunks", "Part", "ReplayOutcome", "ReplayedAt", "ReplayedBy",
            .. QuarantineDelivery.Columns];

    private const int RowKeyChars = 64; // a SHA-256 in hex (RowKeyFor)

    private static readonly SearchValues<char> LowerHex = SearchValues.Create("0123456789abcdef");

    /// <summary><c>{base64url(partition key)}.{row key}</c>: opaque to callers, and a cursor that orders like the table.</summary>
    public static string Id(string partitionKey, string rowKey) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(partitionKey)) + "." + rowKey;

    /// <summary>The row an id names; false for any text <see cref="Id"/> does not write.</summary>
    public static bool TryParseId(string? id, out string partitionKey, out string rowKey)
    {
        partitionKey = rowKey = "";
        int dot = id?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (dot <= 0 || id!.Length - dot - 1 != RowKeyChars || !IsLowerHex(id.AsSpan(dot + 1)))
        {
            return false;
        }

        try
        {
            partitionKey = StrictUtf8.Encoding.GetString(Base64Url.DecodeFromChars(id.AsSpan(0, dot)));
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException)
        {
            return false;
        }

        rowKey = id[(dot + 1)..];
        return partitionKey.Length > 0 && TableKey.CanExist(partitionKey) && Id(partitionKey, rowKey) == id; // one spelling per row
    }

    /// <summary>A payload chunk row (<c>{rowKey}-1</c>, …), not an event of its own.</summary>
    public static bool IsContinuation(TableEntity e) => e.ContainsKey("Part") || e.RowKey.Length != RowKeyChars;

    /// <summary>
    /// The row as an entry; with <paramref name="replays"/>, its replay history too (a list does not read it). <c>Unstored</c>
    /// is the reason only while the row keeps no payload: the same event stored whole later is merged over its stub. A row
    /// without delivery columns (written before they existed, or set aside once) reads as one delivery, last seen when first.
    /// </summary>
    public static QuarantineEntry Entry(TableEntity e, bool replays = false)
    {
        var (lastSequence, lastPartition) = QuarantineDelivery.LastPosition(e);
        return new(
            Id(e.PartitionKey, e.RowKey),
            Enum.TryParse<QuarantineKind>(EntityText.Of(e, "Kind"), ignoreCase: false, out var kind) && Enum.IsDefined(kind) ? kind : null,
            EntityText.Of(e, "Source"),
            EntityText.Of(e, "EventId"),
            (EntityText.Of(e, "Reasons") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries),
            EntityText.Of(e, "Hub") ?? "",
            EntityText.Of(e, "PartitionId"),
            Integer(e, "SequenceNumber"),
            Instant(e, "EnqueuedTime"),
            Instant(e, "QuarantinedAt"),
            EntityText.Of(e, "RawSha256"),
            Integer(e, "RawLength"),
            Integer(e, "RawChunks") is null ? EntityText.Of(e, "Unstored") : null,
            Replay(e),
            replays && QuarantineReplayHistory.Read(e) is { Count: > 0 } history ? history : null,
            Integer(e, QuarantineDelivery.Deliveries) is { } deliveries and >= 1 ? deliveries : 1,
            Instant(e, QuarantineDelivery.LastSeenAt) ?? Instant(e, "QuarantinedAt"),
            lastSequence,
            lastPartition,
            EntityText.Of(e, QuarantineDelivery.LatestReasons)?.Split('\n', StringSplitOptions.RemoveEmptyEntries),
            Instant(e, QuarantineDelivery.LatestReasonsAt));
    }

    /// <summary>The row's last replay; null when it has none, or a part of it cannot be read.</summary>
    public static QuarantineReplay? Replay(TableEntity e) =>
        EntityText.Of(e, "ReplayOutcome") is { } outcome && Instant(e, "ReplayedAt") is { } at && EntityText.Of(e, "ReplayedBy") is { } by ? new(outcome, at, by) : null;

    /// <summary>
    /// The text of chunks <c>{prefix}0</c> … <c>{prefix}{count-1}</c>, wherever among the event's rows they are; null when
    /// the row keeps none.
    /// </summary>
    /// <exception cref="InvalidDataException">The row names more chunks than the layout ever writes (or fewer than none):
    /// planted, it is not read (<see cref="QuarantineRowLayout.MaxChunks"/>); or a chunk it names is on none of the rows
    /// (a continuation row deleted): the payload is never answered shortened.</exception>
    public static string? Payload(IReadOnlyList<TableEntity> rows, string prefix)
    {
        if (Integer(rows[0], prefix + "Chunks") is not { } count)
        {
            return EntityText.Of(rows[0], prefix); // a row written before payloads were chunked
        }

        if (count is < 0 or > QuarantineRowLayout.MaxChunks)
        {
            throw new RowValues(rows[0], "Quarantine").Unreadable(prefix + "Chunks", string.Create(CultureInfo.InvariantCulture,
                $"{count} chunks, where a payload is written in 0 to {QuarantineRowLayout.MaxChunks}"));
        }

        var sb = new StringBuilder();
        for (long i = 0; i < count; i++)
        {
            string name = prefix + i.ToString(CultureInfo.InvariantCulture);
            // A chunk none of the rows holds (its continuation row deleted) makes the payload unreadable: skipped, the rest
            // would read as a shorter event that a replay would meter.
            sb.Append(rows.Select(r => EntityText.Of(r, name)).FirstOrDefault(v => v is not null) ?? throw MissingChunk(rows, name, count));
        }

        return sb.ToString();
    }

    private static InvalidDataException MissingChunk(IReadOnlyList<TableEntity> rows, string name, long count) => new(
        $"Quarantine row (partition '{rows[0].PartitionKey}', row '{rows[0].RowKey}'), property '{name}': missing, on none of the " +
        rows.Count.ToString(CultureInfo.InvariantCulture) + " rows read of the " + count.ToString(CultureInfo.InvariantCulture) +
        " chunks the row names (a continuation row deleted, or never written by a try that failed before 2026-12); the payload cannot be read whole, " +
        "and a redelivery of the event restores it");

    public static long? Integer(TableEntity e, string name) => e.TryGetValue(name, out var v) ? v switch { int i => i, long l => l, _ => null } : null;

    private static DateTimeOffset? Instant(TableEntity e, string name) => e.TryGetValue(name, out var v) ? v switch
    {
        DateTimeOffset d => d,
        DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
        _ => null,
    } : null;

    private static bool IsLowerHex(ReadOnlySpan<char> text) => !text.ContainsAnyExcept(LowerHex);
}
