using System.Globalization;
using System.Text;
using Billing.Domain.Metering;

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

    public static UsageFact ToFact(TableEntity e) => new()
    {
        Source = e.GetString("Source") ?? "",
        Id = e.GetString("EventId") ?? "",
        Payer = e.GetString("Payer") ?? "",
        Type = e.GetString("Type") ?? "",
        Time = e.GetDateTimeOffset("Time") ?? default,
        ContentHash = e.GetString("Hash") ?? "",
        Hotspot = e.GetString("Hotspot"),
        Rat = e.GetString("Rat"),
        Bytes = e.GetInt64("Bytes") ?? 0,
        GpuModel = e.GetString("GpuModel"),
        Lease = e.GetString("Lease"),
        Provider = e.GetString("Provider"),
        GpuSeconds = e.GetInt64("GpuSeconds") ?? 0,
        Readings = ReadingCodec.Decode(e.GetString("Readings")),
    };
}
