namespace Billing.Storage;

/// <summary>
/// A carrier session's offload windows (docs/contract.md §3): for one (source, <c>data.sessionId</c>) the windows
/// <c>[startTime, endTime)</c> describe one session over time (interim reports are pieces of it). Partition
/// <c>{source}|sessions</c> of the facts table (the source escaped, or its digest when long), one row a session
/// <c>s|{session}</c> (escaped, or its digest when long): a batch's sessions share the source's partition, so their claims
/// go in its transactions, up to 100 sessions each.
/// <para>Cost (the high-volume path): nearly every session is new, so a group's first try writes without reading
/// (<see cref="Optimistic"/>): a batch of N sessions of one carrier adds ⌈N / 100⌉ transactions and no read. A transaction
/// holding a session that has a row already (an interim report, a redelivery, a replay) fails (409); that group then
/// reads each of its sessions' rows (one point read a session, in parallel) and writes what changed (one transaction
/// per 100 changed rows), again on 409/412 after a pause.</para>
/// <para>Bound: a session keeps <see cref="ClaimRow.MaxIntervals"/> windows (one row); past them its further events
/// are checked against those but metered without a claim, reported once.</para>
/// </summary>
internal sealed class SessionUsageKey : UsageKey
{
    public static readonly SessionUsageKey Instance = new();

    private SessionUsageKey()
    {
    }

    public override bool Optimistic => true;

    public override bool FiltersReads => false; // read by key, one slot a session: its row needs no span

    public override bool Applies(UsageFact fact) => fact.IsCarrier && fact.Session is not null && fact.IntervalStart is not null && fact.IntervalEnd is not null;

    /// <summary>The partition of one carrier's session claims.</summary>
    public static string PartitionKey(string source) => TableKey.Part(source, FactStore.MaxPartitionPartChars) + "|sessions";

    public override string PartitionKey(UsageFact fact) => PartitionKey(fact.Source);

    /// <summary>The row of one session (its id escaped holds no <c>|</c>, so no other session's rows follow it).</summary>
    public static string Slot(string session) => "s|" + ClaimRow.Key(session);

    public override IEnumerable<string> Slots(UsageFact fact) => [Slot(fact.Session!)];

    /// <summary>
    /// The id and the start of the content hash (<see cref="ClaimRow.VersionKey"/>): sessions claim no id first, so two versions
    /// of one id can be metered at once, and each must claim, and release, its own window. Under the id alone, the version
    /// whose fact write met the other's stored fact released the window that version was kept under (found "its own").
    /// </summary>
    public override string ClaimKey(UsageFact fact) => ClaimRow.VersionKey(fact.Id, fact.ContentHash);

    /// <summary>The id alone, as rows written before 2026-12-06 keep a session's windows.</summary>
    public override string? EarlierClaimKey(UsageFact fact) => ClaimRow.Key(fact.Id);

    public override (long Start, long End) Window(UsageFact fact) => (fact.IntervalStart!.Value.UtcTicks, fact.IntervalEnd!.Value.UtcTicks);

    public override ClaimSlot NewSlot(string slot) => new(slot, 1, "session");

    /// <summary>Point reads at once at most: a group's fallback read of up to a host batch's sessions (1,000).</summary>
    private const int ReadParallelism = 16;

    /// <summary>One point read a session, in parallel (a filter naming several keys would pass the service's 15 comparisons).</summary>
    public override async Task<Dictionary<string, ClaimSlot>> ReadAsync(TableClient table, string partitionKey, IReadOnlyList<string> slots, (long Start, long End)? span,
        CancellationToken cancellationToken)
    {
        var read = slots.ToDictionary(s => s, NewSlot, StringComparer.Ordinal);
        await Parallel.ForEachAsync(slots, new ParallelOptions { MaxDegreeOfParallelism = ReadParallelism, CancellationToken = cancellationToken }, async (slot, ct) =>
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, slot, cancellationToken: ct).ConfigureAwait(false);
            if (row.HasValue)
            {
                read[slot].Put(ClaimRow.Read(slot, 0, row.Value!));
            }
        }).ConfigureAwait(false);
        return read;
    }

    public override int Reads(int slots) => slots;

    public override string Reason(UsageFact fact, ClaimedInterval other) =>
        $"data.startTime: the window [{Text(fact.IntervalStart!.Value)}, {Text(fact.IntervalEnd!.Value)}) of session '{fact.Session}' overlaps the window " +
        $"[{Text(other.Start)}, {Text(other.End)}) event {other.EventId} of '{fact.Source}' claimed first; a session is billed once " +
        "(resend a report under the id it was first sent with; should that event be set aside after all, a replay of this one meters it)";

    public override string Describe(UsageFact fact, string slot) => $"carrier session '{fact.Session}'";
}
