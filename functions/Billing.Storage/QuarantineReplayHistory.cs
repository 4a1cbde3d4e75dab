namespace Billing.Storage;

/// <summary>
/// The replays a quarantine row keeps (<see cref="Property"/>): a JSON array of <c>{"outcome","at","by"}</c>, oldest
/// first, at most <see cref="QuarantineReplay.HistoryLimit"/> entries and at most <see cref="QuarantineStore.MaxReplayHistoryChars"/>
/// characters (the oldest are dropped first; the newest always fits, as <c>by</c> is cut to 1,000 characters), so one
/// string property holds it with room to spare under Table Storage's 64 KiB. Read without trusting what is stored.
/// </summary>
internal static class QuarantineReplayHistory
{
    public const string Property = "ReplayHistory";

    /// <summary>
    /// The row's replays, oldest first: its history, or, on a row replayed before histories were kept (or whose history
    /// cannot be read), the record that stands; empty when it was never replayed.
    /// </summary>
    public static IReadOnlyList<QuarantineReplay> Read(TableEntity e)
    {
        if (EntityText.Of(e, Property) is { } text && Parse(text) is { Count: > 0 } history)
        {
            return history;
        }

        return QuarantineRows.Replay(e) is { } standing ? [standing] : [];
    }

    /// <summary>The text of <paramref name="history"/> with <paramref name="replay"/> added last, within both bounds.</summary>
    public static string Append(IReadOnlyList<QuarantineReplay> history, QuarantineReplay replay)
    {
        var kept = history.Append(replay).TakeLast(QuarantineReplay.HistoryLimit).ToList();
        for (; ; kept.RemoveAt(0))
        {
            string text = Write(kept);
            if (text.Length <= QuarantineStore.MaxReplayHistoryChars || kept.Count == 1)
            {
                return text;
            }
        }
    }

    private static string Write(List<QuarantineReplay> replays)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var r in replays)
            {
                writer.WriteStartObject();
                writer.WriteString("outcome", r.Outcome);
                writer.WriteString("at", r.At);
                writer.WriteString("by", r.By);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The entries that read as replays; null when the text is no JSON array.</summary>
    private static List<QuarantineReplay>? Parse(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return null;
            }

            var replays = new List<QuarantineReplay>();
            foreach (var item in document.RootElement.EnumerateArray())
            {
                if (item.ValueKind == JsonValueKind.Object
                    && item.TryGetProperty("outcome", out var outcome) && outcome.ValueKind == JsonValueKind.String
                    && item.TryGetProperty("at", out var at) && at.ValueKind == JsonValueKind.String && at.TryGetDateTimeOffset(out var when)
                    && item.TryGetProperty("by", out var by) && by.ValueKind == JsonValueKind.String)
                {
                    replays.Add(new QuarantineReplay(outcome.GetString()!, when, by.GetString()!));
                }
            }

            return replays;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
