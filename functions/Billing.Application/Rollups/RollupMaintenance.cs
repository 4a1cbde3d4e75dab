namespace Billing.Application.Rollups;

/// <summary>
/// Facts are the source of truth (docs/design.md §6): <see cref="VerifyAsync"/> recomputes a payer's hour, day and month
/// buckets of one month and its UNIQUE_COUNT markers (§6.1) from its facts and lists every row that differs, leaving out what
/// metering wrote while it read (<see cref="RollupVerifier"/>), so it is safe on a live system; <see cref="RebuildAsync"/> writes the
/// recomputation over them. A rebuild is safe while metering runs: each row is written under the ETag it was read with before
/// the recomputation read the facts, so a writer that counted a new fact meanwhile makes it recompute and try again.
/// <para>A fact row this platform did not write (a value of the wrong type planted in storage) is money that does not
/// reconcile: verify reports it (kind <c>unreadable</c>) and compares the rest of the month without it; rebuild refuses
/// its shard's month (<see cref="InvalidDataException"/>) rather than write rollups that silently drop it.</para>
/// <para>A month the rebuild changed may have been closed from the rollups it replaced, so billed wrong. Closes correct the
/// months of their routine window anyway; an older one is marked as late usage (<see cref="LateUsageStore"/>), as metering
/// marks a fact of such a month, so the next close bills recomputed − billed for it once.</para>
/// </summary>
public sealed class RollupMaintenance(FactStore facts, TimeProvider time)
{
    /// <summary>Rebuild passes over a shard before giving up on a writer that keeps adding facts to it.</summary>
    private const int MaxRebuildPasses = 5;

    private readonly RollupStore rollups = facts.Rollups;

    public async Task<RollupVerification> VerifyAsync(string payer, BillingPeriod month, CancellationToken cancellationToken)
    {
        var verifier = new RollupVerifier(facts);
        var shards = await Task.WhenAll(Enumerable.Range(0, rollups.Shards).Select(shard => verifier.VerifyShardAsync(payer, shard, month, cancellationToken))).ConfigureAwait(false);
        return new RollupVerification(
            payer, month, shards.Sum(s => s.Facts), shards.Sum(s => s.Buckets), [.. shards.SelectMany(s => s.Differences)], [.. shards.SelectMany(s => s.Unsettled)]);
    }

    public async Task<RollupRebuild> RebuildAsync(string payer, BillingPeriod month, CancellationToken cancellationToken)
    {
        var shards = await Task.WhenAll(Enumerable.Range(0, rollups.Shards).Select(shard => RebuildShardAsync(payer, shard, month, cancellationToken))).ConfigureAwait(false);
        int changed = shards.Sum(s => s.Changed);
        var now = time.GetUtcNow();
        bool markedLate = changed > 0 && Adjustments.IsPastRoutineWindow(month, now);
        if (markedLate)
        {
            // After the rows are written: a close that reads the mark re-rates the month from the rebuilt rollups.
            await facts.LateUsage.MarkAsync([(payer, month)], now, cancellationToken).ConfigureAwait(false);
        }

        return new RollupRebuild(payer, month, shards.Sum(s => s.Facts), shards.Sum(s => s.Buckets), changed) { MarkedLate = markedLate };
    }

    private async Task<(long Facts, int Buckets, int Changed)> RebuildShardAsync(string payer, int shard, BillingPeriod month, CancellationToken cancellationToken)
    {
        for (int pass = 1; ; pass++)
        {
            // The rows first, then the facts: a fact counted after this read changes the ETags the writes are guarded by.
            var stored = await rollups.ReadShardAsync(payer, shard, month.Start, month.End, cancellationToken).ConfigureAwait(false);
            var (count, expected, markers, unreadable) = await RollupRecomputation.ReadAsync(facts, payer, shard, month.Start, month.End, cancellationToken).ConfigureAwait(false);
            if (unreadable.Count > 0)
            {
                throw new InvalidDataException(
                    $"the rollups of {payer} for {month}, shard {shard}, were not rebuilt: {unreadable.Count} fact row(s) cannot be read, and rollups " +
                    $"without them would drop usage; `billing rollups verify` lists them. First: {unreadable[0].Unreadable!.Message}");
            }

            try
            {
                int changed = await rollups.ReplaceAsync(payer, shard, stored, expected.Values, markers.Values, cancellationToken).ConfigureAwait(false);
                return (count, expected.Count, changed);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412 && pass < MaxRebuildPasses)
            {
                // a writer counted a fact after the recomputation read the facts: recompute with it
            }
        }
    }
}
