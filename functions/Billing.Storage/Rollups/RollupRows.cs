using Billing.Domain.Metering;
using Billing.Domain.Metering.Rollups;

namespace Billing.Storage.Rollups;

/// <summary>
/// The rollup rows of one fact partition while a writer appends to it (docs/design.md §6): each row as last read or
/// written, with its ETag. <see cref="Stage"/> adds facts to copies and returns the row operations for the facts'
/// transaction (Add when the row is absent, Replace guarded by the ETag otherwise); <see cref="Commit"/> keeps the
/// copies once the transaction succeeded. A failed transaction changes nothing here, and a 412/409 on a row means
/// another writer got there first: <see cref="ReloadAsync"/> and stage again.
/// </summary>
internal sealed class RollupRows(TableClient table, string partitionKey)
{
    private readonly Dictionary<string, Row> rows = new(StringComparer.Ordinal);

    /// <summary>Reads the rows not known yet (or whose ETag is unknown after a write).</summary>
    public Task LoadAsync(IEnumerable<string> rowKeys, CancellationToken cancellationToken) =>
        ReadAsync(rowKeys.Distinct(StringComparer.Ordinal).Where(k => !rows.TryGetValue(k, out var r) || (r.Exists && r.ETag is null)).ToList(), cancellationToken);

    /// <summary>Reads the rows again (another writer changed them).</summary>
    public Task ReloadAsync(IEnumerable<string> rowKeys, CancellationToken cancellationToken) =>
        ReadAsync(rowKeys.Distinct(StringComparer.Ordinal).ToList(), cancellationToken);

    private async Task ReadAsync(List<string> keys, CancellationToken cancellationToken)
    {
        var read = await Task.WhenAll(keys.Select(async k =>
        {
            var e = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, k, cancellationToken: cancellationToken).ConfigureAwait(false);
            return (Key: k, Entity: e.HasValue ? e.Value : null);
        })).ConfigureAwait(false);
        foreach (var (key, entity) in read)
        {
            rows[key] = entity is null ? new Row(null, null, false, 0) : new Row(RollupCodec.FromEntity(entity), entity.ETag, true, RollupCodec.TextLength(entity));
        }
    }

    /// <summary>The row operations that count <paramref name="facts"/>; the rows must have been loaded.</summary>
    public List<Staged> Stage(IEnumerable<UsageFact> facts)
    {
        var touched = new Dictionary<string, RollupBucket>(StringComparer.Ordinal);
        foreach (var fact in facts)
        {
            foreach (var (grain, start, key) in RollupCodec.Rows(fact.Time))
            {
                if (!touched.TryGetValue(key, out var bucket))
                {
                    var row = rows[key];
                    bucket = row.Bucket?.Clone() ?? RollupBucket.Empty(grain, start);
                    touched[key] = bucket;
                }

                bucket.Add(fact);
            }
        }

        return touched.Select(kv =>
        {
            var row = rows[kv.Key];
            var entity = RollupCodec.ToEntity(partitionKey, kv.Value);
            var action = row.Exists
                ? new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, row.ETag!.Value)
                : new TableTransactionAction(TableTransactionActionType.Add, entity);
            return new Staged(kv.Key, kv.Value, action);
        }).ToList();
    }

    /// <summary>
    /// Keeps the staged buckets after their transaction succeeded. Their new ETags are read again before the rows are
    /// used next (<see cref="LoadAsync"/>): Azurite's transaction sub-responses do not carry ETags that its later
    /// conditional writes accept, and a wasted transaction costs more than a point read.
    /// </summary>
    public void Commit(IReadOnlyList<Staged> staged)
    {
        foreach (var s in staged)
        {
            rows[s.RowKey] = new Row(s.Bucket, null, true, RollupCodec.TextLength((TableEntity)s.Action.Entity));
        }
    }

    /// <summary>Characters of groups the row holds now (0 when absent or not read yet).</summary>
    public int Chars(string rowKey) => rows.TryGetValue(rowKey, out var r) ? r.Chars : 0;

    private sealed record Row(RollupBucket? Bucket, ETag? ETag, bool Exists, int Chars);

    public sealed record Staged(string RowKey, RollupBucket Bucket, TableTransactionAction Action)
    {
        public bool IsAdd => Action.ActionType == TableTransactionActionType.Add;
    }
}
