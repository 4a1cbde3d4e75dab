namespace Billing.Storage;

/// <summary>
/// A compute lease's GPU intervals (docs/contract.md §3): for one (source, lease, GPU model) the intervals
/// <c>[intervalStart, intervalEnd)</c> describe one allocation over time. Partition <c>{source}|lease|{lease}|{model}</c>
/// of the facts table (each part escaped, or its digest when long), a slot a UTC day (<c>d|{yyyyMMdd}</c>, spilling into
/// <c>|01</c> … while full, <see cref="ClaimRow.MaxRowsPerDay"/> rows at most); an interval (at most 24 h) is recorded in
/// one row of each day it touches. A group's days are read with one range query.
/// </summary>
internal sealed class LeaseUsageKey : UsageKey
{
    public static readonly LeaseUsageKey Instance = new();

    /// <summary>Longest escaped source or lease kept verbatim in the partition key (with the model and separators, within 512).</summary>
    private const int MaxPartChars = 200;

    /// <summary>Longest escaped GPU model kept verbatim in the partition key.</summary>
    private const int MaxModelChars = 100;

    private LeaseUsageKey()
    {
    }

    public override bool Optimistic => false; // a lease reports every hour or so: its day row nearly always exists

    public override bool FiltersReads => true;

    public override bool Applies(UsageFact fact) => fact.IsCompute && fact.IntervalStart is not null && fact.Lease is not null;

    /// <summary>
    /// The partition of one (source, lease, GPU model): a lease reported per model (8 H100 and 8 A100, one event each an
    /// hour) is two allocations side by side, not one sent twice.
    /// </summary>
    public static string PartitionKey(string source, string lease, string gpuModel) =>
        string.Concat(TableKey.Part(source, MaxPartChars), "|lease|", TableKey.Part(lease, MaxPartChars), "|", TableKey.Part(gpuModel, MaxModelChars));

    public override string PartitionKey(UsageFact fact) => PartitionKey(fact.Source, fact.Lease!, fact.GpuModel ?? "");

    /// <summary>The UTC days <c>[IntervalStart, Time)</c> touches (one or two).</summary>
    public override IEnumerable<string> Slots(UsageFact fact)
    {
        var first = DateOnly.FromDateTime(fact.IntervalStart!.Value.UtcDateTime);
        var last = DateOnly.FromDateTime(fact.Time.UtcDateTime.AddTicks(-1));
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            yield return ClaimRow.DayKey(day);
        }
    }

    public override (long Start, long End) Window(UsageFact fact) => (fact.IntervalStart!.Value.UtcTicks, fact.Time.UtcTicks);

    public override ClaimSlot NewSlot(string slot) => new(slot, ClaimRow.MaxRowsPerDay, "day");

    /// <summary>
    /// The group's days, read with one range query over the row keys from its first day's first row to (not including)
    /// the day after its last, so the last day's further rows are read too: a filter naming each day would pass the
    /// service's 15 comparisons a filter for a lease backfilled over more days (Azurite does not enforce it). Rows of days
    /// between them that no event touches, and keys this platform does not write, are read and ignored. With
    /// <paramref name="span"/>, only the rows <see cref="ClaimRow.ReadFilter"/> says it can touch: a lease at its day's
    /// bound reads its rows with room and those of the batch's hours, not a hundred full rows.
    /// </summary>
    public override async Task<Dictionary<string, ClaimSlot>> ReadAsync(TableClient table, string partitionKey, IReadOnlyList<string> slots, (long Start, long End)? span,
        CancellationToken cancellationToken)
    {
        var read = slots.ToDictionary(s => s, NewSlot, StringComparer.Ordinal);
        var after = DateOnly.ParseExact(slots[^1].AsSpan(2), "yyyyMMdd", CultureInfo.InvariantCulture).AddDays(1);
        string filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey} and RowKey ge {slots[0]} and RowKey lt {ClaimRow.DayKey(after)}");
        if (span is var (start, end))
        {
            filter += " and (" + TableClient.CreateQueryFilter(ClaimRow.ReadFilter(start, end)) + ")";
        }

        await foreach (var row in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (ClaimRow.TryParseRowKey(row.RowKey, out string slot, out int part) && read.TryGetValue(slot, out var day))
            {
                day.Put(ClaimRow.Read(slot, part, row, span: true));
            }
        }

        return read;
    }

    public override int Reads(int slots) => 1;

    public override string Reason(UsageFact fact, ClaimedInterval other) =>
        $"data.intervalStart: the interval [{Text(fact.IntervalStart!.Value)}, {Text(fact.Time)}) of lease '{fact.Lease}' ({fact.GpuModel}) overlaps the interval " +
        $"[{Text(other.Start)}, {Text(other.End)}) event {other.EventId} of '{fact.Source}' claimed first; a lease's usage is billed once " +
        "(resend an interval under the id it was first sent with; should that event be set aside after all, a replay of this one meters it)";

    public override string Describe(UsageFact fact, string slot) =>
        $"compute lease '{fact.Lease}' ({fact.GpuModel}) on {slot[2..6]}-{slot[6..8]}-{slot[8..10]}";
}
