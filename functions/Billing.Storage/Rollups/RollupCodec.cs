namespace Billing.Storage.Rollups;

/// <summary>
/// How a rollup bucket is laid out in its row (docs/design.md §6): row key <c>r|{h|d|m}|{yyyyMM[dd[HH]]}</c> in the fact
/// partition it counts, the groups packed into one text (<c>meter|source|value…=quantity</c>, <c>;</c> between groups,
/// <c>% | ; =</c> percent-escaped, sorted) split into properties <c>S0</c>, <c>S1</c>, … of <see cref="FactStore.MaxRawChars"/>.
/// A bucket whose text would pass <see cref="CapacityChars"/> is coarsened, then marked overflow, so a row stays far
/// below the service's 1 MiB entity and 4 MiB transaction limits.
/// </summary>
public static class RollupCodec
{
    /// <summary>Most characters of packed groups in one row (about 1,000 hotspot × RAT groups of a carrier).</summary>
    public const int CapacityChars = 60_000;

    /// <summary>High estimate of a rollup row on the wire (every character a six-byte escape, plus names and keys).</summary>
    public const long WireBytes = (6L * CapacityChars) + 4096;

    public const string RowPrefix = "r|";

    public static string GrainCode(UsageWindow grain) => grain switch
    {
        UsageWindow.Hour => "h",
        UsageWindow.Day => "d",
        _ => "m",
    };

    /// <summary>Row-key bound of <paramref name="grain"/> buckets starting at <paramref name="start"/>: scans use <c>[bound(from), bound(to))</c>.</summary>
    public static string RowKey(UsageWindow grain, DateTimeOffset start)
    {
        var t = start.UtcDateTime;
        string format = grain switch
        {
            UsageWindow.Hour => "yyyyMMddHH",
            UsageWindow.Day => "yyyyMMdd",
            _ => "yyyyMM",
        };
        return string.Concat(RowPrefix, GrainCode(grain), "|", t.ToString(format, CultureInfo.InvariantCulture));
    }

    /// <summary>The rows a fact at <paramref name="time"/> counts in: its hour, day and month.</summary>
    public static (UsageWindow Grain, DateTimeOffset Start, string RowKey)[] Rows(DateTimeOffset time)
    {
        var result = new (UsageWindow, DateTimeOffset, string)[3];
        int i = 0;
        foreach (var grain in Grains)
        {
            var start = UsageRollup.WindowStart(time, grain);
            result[i++] = (grain, start, RowKey(grain, start));
        }

        return result;
    }

    public static readonly UsageWindow[] Grains = [UsageWindow.Hour, UsageWindow.Day, UsageWindow.Month];

    /// <summary>Brings a bucket within <see cref="CapacityChars"/> as writing it would (coarser, or overflow).</summary>
    public static RollupBucket Normalize(RollupBucket bucket)
    {
        _ = ToEntity("", bucket);
        return bucket;
    }

    /// <summary>The row of a bucket, after bringing it within <see cref="CapacityChars"/> (coarser, or overflow).</summary>
    public static TableEntity ToEntity(string partitionKey, RollupBucket bucket)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        string text = Encode(bucket);
        if (text.Length > CapacityChars && bucket.Detail == RollupDetail.Fine)
        {
            bucket.Coarsen();
            text = Encode(bucket);
        }

        if (text.Length > CapacityChars)
        {
            bucket.MarkOverflow();
            text = "";
        }

        var entity = new TableEntity(partitionKey, RowKey(bucket.Grain, bucket.Start))
        {
            ["Start"] = bucket.Start,
            ["Detail"] = bucket.Detail.ToString(),
            ["Groups"] = bucket.Count,
        };
        int i = 0;
        foreach (var part in TextChunks.Split(text, FactStore.MaxRawChars))
        {
            entity[ChunkName(i)] = part;
            i++;
        }

        if (bucket.Grain == UsageWindow.Month && bucket.TotalsKnown)
        {
            entity[TotalsName] = EncodeTotals(bucket.Totals);
        }

        return entity;
    }

    /// <summary>The month row's per-meter totals (<c>meter=quantity</c>, <c>;</c> between meters), kept when its sums overflow.</summary>
    private const string TotalsName = "Totals";

    private static string EncodeTotals(IEnumerable<KeyValuePair<string, Int128>> totals)
    {
        var sb = new StringBuilder();
        foreach (var (meter, quantity) in totals.Where(t => t.Value != 0).OrderBy(t => t.Key, StringComparer.Ordinal))
        {
            Escape(sb.Append(sb.Length == 0 ? "" : ";"), meter).Append('=').Append(quantity.ToString(CultureInfo.InvariantCulture));
        }

        return sb.ToString();
    }

    /// <summary>The totals a month row holds; null when it holds none, or none that can be read (the sums decide then).</summary>
    private static List<KeyValuePair<string, Int128>>? DecodeTotals(TableEntity entity)
    {
        if (EntityText.Of(entity, TotalsName) is not { } text)
        {
            return null;
        }

        var totals = new List<KeyValuePair<string, Int128>>();
        foreach (var entry in text.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = entry.LastIndexOf('=');
            if (eq <= 0 || !Int128.TryParse(entry.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var quantity))
            {
                return null;
            }

            totals.Add(KeyValuePair.Create(Uri.UnescapeDataString(entry[..eq]), quantity));
        }

        return totals;
    }

    /// <summary>
    /// The bucket of a row. Its grain and start come from the row key; a row whose sums or month totals cannot be read
    /// (tampered, or written by a later version) is an <see cref="RollupDetail.Overflow"/> bucket, so readers use the facts and writers
    /// replace it, never block on it. <see cref="InvalidDataException"/> only for a key that is no rollup row.
    /// </summary>
    public static RollupBucket FromEntity(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        var (grain, start) = ParseRowKey(entity.RowKey);
        if (!Enum.TryParse<RollupDetail>(EntityText.Of(entity, "Detail"), out var detail) || !Enum.IsDefined(detail))
        {
            detail = RollupDetail.Overflow;
        }

        var bucket = new RollupBucket(grain, start, detail);
        var text = new StringBuilder();
        int i = 0;
        for (; EntityText.Of(entity, ChunkName(i)) is { } part; i++)
        {
            text.Append(part);
        }

        try
        {
            if (entity.ContainsKey(ChunkName(i)))
            {
                throw new InvalidDataException($"rollup text chunk {ChunkName(i)} is not text"); // planted: the sums cannot be read
            }

            foreach (var (key, quantity) in Decode(text.ToString()))
            {
                bucket.Add(key, quantity);
            }
        }
        catch (Exception ex) when (ex is InvalidDataException or UriFormatException)
        {
            bucket.MarkOverflow();
        }

        if (grain == UsageWindow.Month)
        {
            // Totals of one meter past Int128 (planted) leave no sums or totals to trust (RollupBucket.GiveUp): readers use the facts, rebuild replaces it.
            bucket.SetTotals(DecodeTotals(entity));
        }

        return bucket;
    }

    public static (UsageWindow Grain, DateTimeOffset Start) ParseRowKey(string rowKey)
    {
        ArgumentNullException.ThrowIfNull(rowKey);
        var (grain, format) = rowKey.Length > 4 && rowKey.StartsWith(RowPrefix, StringComparison.Ordinal) && rowKey[3] == '|' ? rowKey[2] switch
        {
            'h' => (UsageWindow.Hour, "yyyyMMddHH"),
            'd' => (UsageWindow.Day, "yyyyMMdd"),
            'm' => (UsageWindow.Month, "yyyyMM"),
            _ => (UsageWindow.Month, ""),
        } : (UsageWindow.Month, "");
        if (format.Length == 0 || !DateTime.TryParseExact(rowKey.AsSpan(4), format, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var start))
        {
            throw new InvalidDataException($"'{rowKey}' is not a rollup row key");
        }

        return (grain, new DateTimeOffset(start, TimeSpan.Zero));
    }

    /// <summary>Characters of packed groups a row holds (what its next write starts from).</summary>
    public static int TextLength(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        int length = 0;
        for (int i = 0; EntityText.Of(entity, ChunkName(i)) is { } part; i++)
        {
            length += part.Length;
        }

        return length;
    }

    /// <summary>
    /// The names of the properties a row holds besides its keys and what the service adds (timestamp, ETag): a later
    /// write that sets all of them may merge instead of replace (<see cref="RollupRows"/>).
    /// </summary>
    public static IReadOnlySet<string> StoredProperties(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return entity.Keys.Where(k => k is not ("PartitionKey" or "RowKey" or "Timestamp" or "odata.etag")).ToHashSet(StringComparer.Ordinal);
    }

    private static string ChunkName(int index) => "S" + index.ToString(CultureInfo.InvariantCulture);

    /// <summary>High estimate of the characters a fact adds to a row: one group per meter it counts for.</summary>
    public static int GrowthChars(UsageFact fact)
    {
        ArgumentNullException.ThrowIfNull(fact);
        if (fact.IsDeclared)
        {
            // One group per reading: the meter name, the source and the dimension values, escaped, and a 39-digit sum.
            return fact.Readings.Sum(r => (3 * (r.Meter.Length + fact.Source.Length + r.Dimensions.Sum(d => d.Value.Length + 1))) + 60);
        }

        int dims = (fact.Hotspot?.Length ?? 0) + (fact.Rat?.Length ?? 0) + (fact.GpuModel?.Length ?? 0) + (fact.Lease?.Length ?? 0) + (fact.Provider?.Length ?? 0);
        return 2 * ((3 * (fact.Source.Length + dims)) + 80); // escapes can triple a character; meter name, separators, a 39-digit sum
    }

    /// <summary>Wire bytes of a row holding <paramref name="chars"/> characters of groups (capped at <see cref="WireBytes"/>).</summary>
    public static long RowWireBytes(long chars) => (6L * Math.Min(chars, CapacityChars)) + 4096;

    public static string Encode(RollupBucket bucket)
    {
        ArgumentNullException.ThrowIfNull(bucket);
        var entries = new List<string>(bucket.Count);
        var sb = new StringBuilder();
        foreach (var (key, quantity) in bucket.Sums)
        {
            sb.Clear();
            Escape(sb, key.Meter).Append('|');
            Escape(sb, key.Source);
            foreach (var v in key.Values)
            {
                Escape(sb.Append('|'), v);
            }

            entries.Add(sb.Append('=').Append(quantity.ToString(CultureInfo.InvariantCulture)).ToString());
        }

        entries.Sort(StringComparer.Ordinal);
        return string.Join(';', entries);
    }

    public static IEnumerable<(RollupKey Key, Int128 Quantity)> Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            yield break;
        }

        foreach (var entry in text.Split(';'))
        {
            int eq = entry.LastIndexOf('=');
            var fields = (eq < 0 ? entry : entry[..eq]).Split('|');
            if (eq < 0 || fields.Length < 2 || !Int128.TryParse(entry.AsSpan(eq + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var quantity))
            {
                throw new InvalidDataException($"malformed rollup group '{entry}'");
            }

            var values = fields.Skip(2).Select(Uri.UnescapeDataString).ToArray();
            yield return (new RollupKey(Uri.UnescapeDataString(fields[0]), Uri.UnescapeDataString(fields[1]), values), quantity);
        }
    }

    /// <summary>Percent-escapes the separators (and <c>%</c>), so any text round-trips through <c>Uri.UnescapeDataString</c>.</summary>
    private static StringBuilder Escape(StringBuilder sb, string value)
    {
        foreach (char c in value)
        {
            _ = c switch
            {
                '%' => sb.Append("%25"),
                '|' => sb.Append("%7C"),
                ';' => sb.Append("%3B"),
                '=' => sb.Append("%3D"),
                _ => sb.Append(c),
            };
        }

        return sb;
    }
}
