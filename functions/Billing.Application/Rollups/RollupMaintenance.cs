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
/// <para>A month rebuilt may have been closed from the rollups it replaced, so billed wrong. Closes correct the months of
/// their routine window anyway; an older one with facts is marked as late usage (<see cref="LateUsageStore"/>), as metering
/// marks a fact of such a month, so the next close bills recomputed − billed for it once (nothing when it was right).</para>
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
        (long Facts, int Buckets, int Changed)[] shards;
        try
        {
            shards = await Task.WhenAll(Enumerable.Range(0, rollups.Shards).Select(shard => RebuildShardAsync(payer, shard, month, cancellationToken))).ConfigureAwait(false);
        }
        catch (Exception) when (Adjustments.IsPastRoutineWindow(month, time.GetUtcNow()))
        {
            // Other shards may have been rewritten before one was refused or failed: their months are marked now, since
            // the rebuild run again once that shard is mended finds them right and changes nothing.
            try
            {
                await MarkLateAsync(payer, month, CancellationToken.None).ConfigureAwait(false);
            }
            catch (RequestFailedException)
            {
                // the rebuild run again marks it (the month has facts): the refusal is what the caller must see
            }

            throw;
        }

        long count = shards.Sum(s => s.Facts);
        int changed = shards.Sum(s => s.Changed);

        // Marked whenever a month past the window has rollups or facts, changed or not: a rebuild run again after its mark
        // was lost (a failure after the rows were written, a retry) changes nothing, yet the month may still be billed from
        // the rows it replaced. A needless mark costs one re-rating that bills nothing. Marked after the rows are written,
        // so a close that reads the mark rates the rebuilt rows, and one that read an earlier mark cannot clear this one.
        bool markedLate = (count > 0 || changed > 0) && Adjustments.IsPastRoutineWindow(month, time.GetUtcNow());
        if (markedLate)
        {
            await MarkLateAsync(payer, month, cancellationToken).ConfigureAwait(false);
        }

        return new RollupRebuild(payer, month, count, shards.Sum(s => s.Buckets), changed) { MarkedLate = markedLate };
    }

    private Task MarkLateAsync(string payer, BillingPeriod month, CancellationToken cancellationToken) =>
        facts.LateUsage.MarkAsync([(payer, month)], time.GetUtcNow(), cancellationToken);

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
