namespace Billing.Storage;

/// <summary>
/// How a fact is laid out in its rows (see <see cref="FactStore"/>): the identity row with the content hash and the raw
/// event split into properties, the time-ordered row with the metered values, and the way back from a row to a fact.
/// </summary>
internal static class FactRowCodec
{
    /// <summary>Rows per fact in a transaction, in this order: identity, time row (<see cref="AddRows"/>).</summary>
    public const int RowsPerFact = 2;

    public static void AddRows(List<TableTransactionAction> actions, string partitionKey, PendingFact pending)
    {
        var f = pending.Fact;
        var identity = IdentityEntity(partitionKey, pending);
        var row = new TableEntity(partitionKey, FactStore.TimeRowKey(f.Time, f.Source, f.Id))
        {
            ["Source"] = f.Source,
            ["EventId"] = f.Id,
            ["Payer"] = f.Payer,
            ["Type"] = f.Type,
            ["Time"] = f.Time,
            ["Hash"] = f.ContentHash,
        };
        if (f.IsCarrier)
        {
            row["Hotspot"] = f.Hotspot;
            row["Rat"] = f.Rat;
            row["Bytes"] = f.Bytes;
        }
        else if (f.IsDeclared)
        {
            row["Readings"] = ReadingCodec.Encode(f.Readings);
        }
        else
        {
            row["GpuModel"] = f.GpuModel;
            row["Lease"] = f.Lease;
            row["Provider"] = f.Provider;
            row["GpuSeconds"] = f.GpuSeconds;
        }

        actions.Add(new TableTransactionAction(TableTransactionActionType.Add, identity));
        actions.Add(new TableTransactionAction(TableTransactionActionType.Add, row));
    }

    /// <summary>The identity row of a fact (and its claim): the content hash that tells a redelivery from a conflict, and the raw event.</summary>
    /// <remarks>The raw event is kept whole: <c>Raw</c> holds its first <see cref="FactStore.MaxRawChars"/> characters, <c>Raw1</c>, <c>Raw2</c>, … the rest.</remarks>
    public static TableEntity IdentityEntity(string partitionKey, PendingFact pending)
    {
        var entity = new TableEntity(partitionKey, FactStore.IdentityRowKey(pending.Fact.Source, pending.Fact.Id))
        {
            ["Hash"] = pending.Fact.ContentHash,
            ["Time"] = pending.Fact.Time,
            ["Payer"] = pending.Fact.Payer,
        };
        if (pending.RawEvent.Length <= FactStore.MaxRawChars)
        {
            entity["Raw"] = pending.RawEvent;
        }
        else
        {
            int i = 0;
            foreach (var part in TextChunks.Split(pending.RawEvent, FactStore.MaxRawChars))
            {
                entity[i == 0 ? "Raw" : "Raw" + i.ToString(CultureInfo.InvariantCulture)] = part;
                i++;
            }
        }

        if (entity.RowKey.StartsWith("k|%h", StringComparison.Ordinal))
        {
            // The key is a digest: keep what it stands for.
            entity["Source"] = pending.Fact.Source;
            entity["EventId"] = pending.Fact.Id;
        }

        return entity;
    }

    /// <summary>The raw event of an identity row, reassembled from <c>Raw</c>, <c>Raw1</c>, ….</summary>
    public static string? ReadRaw(TableEntity identity)
    {
        string? first = EntityText.Of(identity, "Raw");
        if (first is null || !identity.ContainsKey("Raw1"))
        {
            return first;
        }

        var sb = new StringBuilder(first);
        for (int i = 1; EntityText.Of(identity, "Raw" + i.ToString(CultureInfo.InvariantCulture)) is { } part; i++)
        {
            sb.Append(part);
        }

        return sb.ToString();
    }

    /// <summary>
    /// The fact of a time row, every property read strictly (<see cref="FactRowValues"/>): the identifying ones and the
    /// time must be there, the per-type ones (see <see cref="AddRows"/>) may be absent, and a present value of another
    /// type, or readings that are not what <see cref="ReadingCodec.Encode"/> writes, throw <see cref="InvalidDataException"/>.
    /// </summary>
    public static UsageFact ToFact(TableEntity e) => new()
    {
        Source = FactRowValues.Text(e, "Source", required: true)!,
        Id = FactRowValues.Text(e, "EventId", required: true)!,
        Payer = FactRowValues.Text(e, "Payer", required: true)!,
        Type = FactRowValues.Text(e, "Type", required: true)!,
        Time = Time(e),
        ContentHash = FactRowValues.Text(e, "Hash") ?? "",
        Hotspot = FactRowValues.Text(e, "Hotspot"),
        Rat = FactRowValues.Text(e, "Rat"),
        Bytes = FactRowValues.Int64(e, "Bytes") ?? 0,
        GpuModel = FactRowValues.Text(e, "GpuModel"),
        Lease = FactRowValues.Text(e, "Lease"),
        Provider = FactRowValues.Text(e, "Provider"),
        GpuSeconds = FactRowValues.Int64(e, "GpuSeconds") ?? 0,
        Readings = Readings(e),
    };

    /// <summary>
    /// The fact's time, which must be the one its row key files it under: scans select facts by the key and metering
    /// counted the fact in the rollups of that time, so a <c>Time</c> changed outside the platform would file it elsewhere
    /// than they do (one answer with rollups, another from facts). The row is unreadable instead.
    /// </summary>
    private static DateTimeOffset Time(TableEntity e)
    {
        var time = FactRowValues.Time(e, "Time");
        string bound = FactStore.TimeRowBound(time);
        return e.RowKey.Length > bound.Length && e.RowKey.StartsWith(bound, StringComparison.Ordinal) && e.RowKey[bound.Length] == '|'
            ? time
            : throw FactRowValues.Unreadable(e, "Time", string.Create(CultureInfo.InvariantCulture, $"{time:O} is not the time its row key files the fact under (where its rollups count it)"));
    }

    private static IReadOnlyList<MeterReading> Readings(TableEntity e)
    {
        string? text = FactRowValues.Text(e, "Readings");
        try
        {
            return ReadingCodec.Decode(text);
        }
        catch (InvalidDataException ex)
        {
            throw FactRowValues.Unreadable(e, "Readings", ex.Message, ex);
        }
    }
}
