namespace Billing.Storage;

/// <summary>
/// How <see cref="QuarantineStore"/> lays an event out on rows: the main row (what a list reads, the first payload
/// chunks) and continuation rows <c>{rowKey}-1</c>, … for the chunks that do not fit, each within
/// <see cref="QuarantineStore.RowBudgetBytes"/> estimated on the wire. The main row leaves room for what replays add to it
/// later (<see cref="ReplayReserveBytes"/>: the replay history and record, the latest reasons of a replay or redelivery,
/// and the delivery count, last time and position).
/// </summary>
internal static class QuarantineRowLayout
{
    public const int MaxTextChars = 30_000; // reasons: diagnostics, cut to one property
    public const int MaxIdentityChars = 1_000; // source, id and who replayed as properties; the raw payload has them whole

    /// <summary>Room a main row keeps for what replays and redeliveries write on it later (<see cref="QuarantineDelivery"/>: reasons and a few small values).</summary>
    public const long ReplayReserveBytes = (6L * (QuarantineStore.MaxReplayHistoryChars + MaxTextChars + MaxIdentityChars)) + 2048;

    /// <summary>The most rows of one event a read takes (its main row and continuation rows <c>-1</c> … <c>-999</c>).</summary>
    public const int MaxRows = 1_000;

    /// <summary>
    /// The most chunks (<c>RawChunks</c>, <c>ExistingRawChunks</c>) of one payload the rows a read takes can hold as this
    /// layout fills them: every chunk but a payload's last has at least <see cref="QuarantineStore.ChunkChars"/> − 1
    /// characters (one less when a surrogate pair is kept whole), so a row fits
    /// <see cref="QuarantineStore.RowBudgetBytes"/> / (6 × that + 64) of them. An event the platform accepted (at most
    /// 64 KiB) takes 3. A row naming more was not written by this platform; reading as many as it says would loop on a
    /// planted count (<c>Int64.MaxValue</c>).
    /// </summary>
    public const int MaxChunks = (MaxRows * (int)(QuarantineStore.RowBudgetBytes / ((6L * (QuarantineStore.ChunkChars - 1)) + 64))) + 1;

    /// <summary>High estimate of a row on the wire: six bytes per character of text (a JSON escape) plus a fixed allowance.</summary>
    public static long WireBytes(TableEntity row) => 2048 + row.Sum(p => p.Value is string s ? 6L * s.Length : 16L);

    public static List<TableEntity> Rows(string partitionKey, QuarantinedEvent e)
    {
        string rowKey = QuarantineStore.RowKeyFor(e);
        var entity = new TableEntity(partitionKey, rowKey)
        {
            ["Kind"] = e.Kind.ToString(),
            ["Reasons"] = ReasonsText(e.Reasons),
            ["Source"] = Cut(e.Source, MaxIdentityChars),
            ["EventId"] = Cut(e.EventId, MaxIdentityChars),
            ["Hub"] = e.Hub,
            ["PartitionId"] = e.PartitionId,
            ["SequenceNumber"] = e.SequenceNumber,
            ["EnqueuedTime"] = e.EnqueuedTime,
            ["QuarantinedAt"] = e.QuarantinedAt,
            ["RawSha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(e.Raw))),
            ["RawLength"] = e.Raw.Length,
        };
        var chunks = TextChunks.Split(e.Raw, QuarantineStore.ChunkChars).Select((text, i) => (Name: "Raw" + i.ToString(CultureInfo.InvariantCulture), Text: text)).ToList();
        entity["RawChunks"] = chunks.Count;
        if (e.ExistingRaw is not null)
        {
            var existing = TextChunks.Split(e.ExistingRaw, QuarantineStore.ChunkChars).Select((text, i) => (Name: "ExistingRaw" + i.ToString(CultureInfo.InvariantCulture), Text: text)).ToList();
            entity["ExistingRawChunks"] = existing.Count;
            chunks.AddRange(existing);
        }

        // Fill rows up to an estimated RowBudgetBytes on the wire: Azurite measures an entity by its request body, where text
        // may be escaped, and Azure by its stored size (≤ 2 bytes a character); this estimate is within both.
        var rows = new List<TableEntity> { entity };
        var target = entity;
        long used = WireBytes(entity) + 64 + ReplayReserveBytes;
        foreach (var (name, text) in chunks)
        {
            long size = (6L * text.Length) + 64;
            if (used + size > QuarantineStore.RowBudgetBytes)
            {
                target = new TableEntity(partitionKey, ContinuationKey(rowKey, rows.Count)) { ["Part"] = rows.Count };
                rows.Add(target);
                used = WireBytes(target);
            }

            target[name] = text;
            used += size;
        }

        entity["Rows"] = rows.Count;
        return rows;
    }

    /// <summary>
    /// The continuation rows that hold the chunks <paramref name="stored"/> (an event's rows as read) names but none of them
    /// holds, taken from <paramref name="incoming"/> (a delivery's rows, laid out for it), on the free continuation keys from
    /// 1 on; empty when none is missing, null when the delivery's payload is not the stored one (a chunk differs, or their counts).
    /// </summary>
    public static List<TableEntity>? Restoring(IReadOnlyList<TableEntity> stored, IReadOnlyList<TableEntity> incoming)
    {
        var main = stored.First(r => !QuarantineRows.IsContinuation(r));
        var chunks = new List<(string Name, string Text)>();
        foreach (string prefix in (string[])["Raw", "ExistingRaw"])
        {
            long? count = QuarantineRows.Integer(main, prefix + "Chunks");
            if (count != QuarantineRows.Integer(incoming[0], prefix + "Chunks"))
            {
                return null;
            }

            for (long i = 0; i < (count ?? 0); i++)
            {
                string name = prefix + i.ToString(CultureInfo.InvariantCulture);
                if (incoming.Select(r => EntityText.Of(r, name)).FirstOrDefault(v => v is not null) is not { } text)
                {
                    return null;
                }

                chunks.Add((name, text));
            }
        }

        var missing = new List<(string Name, string Text)>();
        foreach (var chunk in chunks)
        {
            var kept = stored.Select(r => EntityText.Of(r, chunk.Name)).FirstOrDefault(v => v is not null);
            if (kept is null)
            {
                missing.Add(chunk);
            }
            else if (kept != chunk.Text)
            {
                return null;
            }
        }

        var taken = stored.Select(r => r.RowKey).ToHashSet(StringComparer.Ordinal);
        var rows = new List<TableEntity>();
        int next = 1;
        TableEntity? target = null;
        long used = 0;
        foreach (var (name, text) in missing)
        {
            long size = (6L * text.Length) + 64;
            if (target is null || used + size > QuarantineStore.RowBudgetBytes)
            {
                while (taken.Contains(ContinuationKey(main.RowKey, next)))
                {
                    next++;
                }

                target = new TableEntity(main.PartitionKey, ContinuationKey(main.RowKey, next)) { ["Part"] = next };
                rows.Add(target);
                used = WireBytes(target);
                next++;
            }

            target[name] = text;
            used += size;
        }

        return rows;
    }

    /// <summary>Reasons as a row keeps them: one a line, cut to one property.</summary>
    public static string ReasonsText(IEnumerable<string> reasons) => Cut(string.Join('\n', reasons), MaxTextChars)!;

    public static string ContinuationKey(string rowKey, int row) => rowKey + "-" + row.ToString(CultureInfo.InvariantCulture);

    public static string? Cut(string? text, int maxChars) => text is null || text.Length <= maxChars ? text : TextChunks.Split(text, maxChars).First();
}
