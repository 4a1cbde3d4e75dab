using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;

namespace Billing.Storage;

/// <summary>Why an event was set aside.</summary>
public enum QuarantineKind
{
    /// <summary>Failed validation at metering.</summary>
    Invalid,

    /// <summary>An id already metered with different content; both versions are kept.</summary>
    Conflict,

    /// <summary>Not even an event (unparseable host payload element).</summary>
    Malformed,
}

/// <summary>An event the metering path could not count, with everything needed to replay or explain it.</summary>
public sealed record QuarantinedEvent(
    QuarantineKind Kind,
    string Raw,
    IReadOnlyList<string> Reasons,
    string? Source,
    string? EventId,
    string Hub,
    string? PartitionId,
    long? SequenceNumber,
    DateTimeOffset? EnqueuedTime,
    DateTimeOffset QuarantinedAt,
    string? ExistingRaw = null);

/// <summary>
/// Bad events from the Event Hubs path, never dropped. The row key is a hash of (hub, kind, raw), so a redelivered
/// batch overwrites the same rows instead of piling up copies. Partitioned by source for per-partner listing.
/// </summary>
public sealed class QuarantineStore(BillingTables tables)
{
    private const int ChunkChars = 30_000;
    private const int MaxChunks = 16; // ~1 MB entity limit

    private readonly TableClient table = tables.Quarantine;

    public static string RowKeyFor(QuarantinedEvent e) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{e.Hub}\u001f{e.Kind}\u001f{e.Raw}")));

    public async Task AddAsync(IEnumerable<QuarantinedEvent> events, CancellationToken cancellationToken)
    {
        foreach (var group in events.GroupBy(e => TableKey.Escape(e.Source ?? "_unknown")))
        {
            foreach (var chunk in group.DistinctBy(RowKeyFor).Chunk(20))
            {
                var actions = chunk.Select(e => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(group.Key, e))).ToList();
                await table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async Task<IReadOnlyList<QuarantinedEvent>> ListAsync(string? source, CancellationToken cancellationToken)
    {
        string? filter = source is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Escape(source)}");
        var list = new List<QuarantinedEvent>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(FromEntity(e));
        }

        return list;
    }

    private static TableEntity ToEntity(string partitionKey, QuarantinedEvent e)
    {
        var entity = new TableEntity(partitionKey, RowKeyFor(e))
        {
            ["Kind"] = e.Kind.ToString(),
            ["Reasons"] = string.Join('\n', e.Reasons),
            ["Source"] = e.Source,
            ["EventId"] = e.EventId,
            ["Hub"] = e.Hub,
            ["PartitionId"] = e.PartitionId,
            ["SequenceNumber"] = e.SequenceNumber,
            ["EnqueuedTime"] = e.EnqueuedTime,
            ["QuarantinedAt"] = e.QuarantinedAt,
            ["RawSha256"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(e.Raw))),
            ["RawLength"] = e.Raw.Length,
        };
        int chunks = 0;
        for (int offset = 0; offset < e.Raw.Length && chunks < MaxChunks; offset += ChunkChars, chunks++)
        {
            entity["Raw" + chunks] = e.Raw.Substring(offset, Math.Min(ChunkChars, e.Raw.Length - offset));
        }

        entity["RawChunks"] = chunks;
        if (e.ExistingRaw is not null)
        {
            entity["ExistingRaw"] = e.ExistingRaw.Length <= ChunkChars ? e.ExistingRaw : e.ExistingRaw[..ChunkChars];
        }

        return entity;
    }

    private static QuarantinedEvent FromEntity(TableEntity e)
    {
        var raw = new StringBuilder();
        int chunks = e.GetInt32("RawChunks") ?? 0;
        for (int i = 0; i < chunks; i++)
        {
            raw.Append(e.GetString("Raw" + i));
        }

        return new QuarantinedEvent(
            Enum.Parse<QuarantineKind>(e.GetString("Kind") ?? nameof(QuarantineKind.Invalid)),
            raw.ToString(),
            (e.GetString("Reasons") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries),
            e.GetString("Source"),
            e.GetString("EventId"),
            e.GetString("Hub") ?? "",
            e.GetString("PartitionId"),
            e.GetInt64("SequenceNumber"),
            e.GetDateTimeOffset("EnqueuedTime"),
            e.GetDateTimeOffset("QuarantinedAt") ?? default,
            e.GetString("ExistingRaw"));
    }
}
