namespace Billing.Storage.Rollups;

/// <summary>
/// How a <see cref="UniqueMarker"/> is laid out in its fact partition (docs/design.md §6.1): row key
/// <c>u|{yyyyMM}|{meter}|{digest}</c>, where the digest is <see cref="TableKey.Digest"/> of the meter, source, dimension
/// values and value (any length, any character, one fixed-length key); the parts are kept as properties
/// (<c>Source</c>, <c>Value</c>, <c>D0…</c>), so a month's markers of one meter are one range and readers never parse keys.
/// </summary>
public static class UniqueMarkerCodec
{
    public const string RowPrefix = "u|";

    /// <summary>High estimate of a marker row on the wire: keys, names and values of at most 256 characters each, escaped.</summary>
    public const long WireBytes = 16 * 1024;

    public static string RowKey(UniqueMarker marker)
    {
        ArgumentNullException.ThrowIfNull(marker);
        string[] parts = [marker.Meter, marker.Source, .. marker.Values, marker.Value];
        return string.Concat(MeterPrefix(marker.Month, marker.Meter), TableKey.Digest(parts));
    }

    /// <summary>Row-key prefix of every marker of the month starting at <paramref name="month"/>.</summary>
    public static string MonthPrefix(DateTimeOffset month) =>
        string.Concat(RowPrefix, month.UtcDateTime.ToString("yyyyMM", CultureInfo.InvariantCulture), "|");

    /// <summary>Row-key prefix of the markers of <paramref name="meter"/> in the month starting at <paramref name="month"/>.</summary>
    public static string MeterPrefix(DateTimeOffset month, string meter) => string.Concat(MonthPrefix(month), meter, "|");

    /// <summary>The first row key after every key starting with <paramref name="prefix"/> (which ends with <c>|</c>).</summary>
    public static string PrefixEnd(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        return string.Concat(prefix.AsSpan(0, prefix.Length - 1), "}"); // '}' follows '|'
    }

    /// <summary>The markers of a fact with their row keys (a fact rarely carries more than one).</summary>
    public static IEnumerable<(string RowKey, UniqueMarker Marker)> Of(UsageFact fact) =>
        UniqueMarker.Of(fact).Select(m => (RowKey(m), m));

    public static TableEntity ToEntity(string partitionKey, UniqueMarker marker)
    {
        ArgumentNullException.ThrowIfNull(marker);
        var entity = new TableEntity(partitionKey, RowKey(marker))
        {
            ["Meter"] = marker.Meter,
            ["Month"] = marker.Month,
            ["Source"] = marker.Source,
            ["Value"] = marker.Value,
        };
        for (int i = 0; i < marker.Values.Count; i++)
        {
            entity["D" + i.ToString(CultureInfo.InvariantCulture)] = marker.Values[i];
        }

        return entity;
    }

    /// <summary>The marker a row holds, or null when the row does not match its own key (tampered or foreign): readers then use the facts.</summary>
    public static UniqueMarker? FromEntity(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        // A planted value of another type makes the row foreign (null), never an exception that stops the reader.
        DateTimeOffset? month = entity.TryGetValue("Month", out var m) ? m switch
        {
            DateTimeOffset t => t,
            DateTime t => new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc)),
            _ => null,
        } : null;
        if (EntityText.Of(entity, "Meter") is not { } meter || month is null || EntityText.Of(entity, "Source") is not { } source || EntityText.Of(entity, "Value") is not { } value)
        {
            return null;
        }

        var values = new List<string>();
        int i = 0;
        for (; EntityText.Of(entity, "D" + i.ToString(CultureInfo.InvariantCulture)) is { } v; i++)
        {
            values.Add(v);
        }

        if (entity.ContainsKey("D" + i.ToString(CultureInfo.InvariantCulture)))
        {
            return null;
        }

        var marker = new UniqueMarker(meter, month.Value.ToUniversalTime(), source, values, value);
        return RowKey(marker) == entity.RowKey ? marker : null;
    }
}
