namespace Billing.Application.Ledger;

/// <summary>
/// One book's balances kept in memory as of a head sequence, so that a read costs the entries appended since, not the
/// whole book. Each read takes the rows after that sequence (a range of row keys, see <see cref="LedgerStore"/>) and
/// folds them in; it moves the cached head only over consecutive sequences, so a row it did not see (a gap while a
/// writer's transaction lands, or a row deleted) is read again next time, while this answer still counts every row it
/// read, as a full read would. A row that cannot be read fails the read (<see cref="InvalidDataException"/>: it may be
/// anyone's, and a sum without it would be wrong); the entries before it stay folded, nothing after it is cached. A read
/// that fails for any other reason (storage, a cancellation) keeps what it folded the same way and rethrows, so the next
/// call goes on from there rather than from the start of the book.
/// Safe for concurrent readers: the cache is one immutable snapshot replaced only by one with a higher head; two
/// instances each keep their own. The sums are exact (<see cref="Int128"/>).
/// <para>
/// The cache trusts what it has summed: an entry rewritten in storage below the cached head (outside the platform) is
/// not read again, and this instance keeps answering the sums it had until it restarts. Balances do not detect
/// tampering; <c>ledger verify</c> does (it checks every entry's hash, link and anchor).
/// </para>
/// </summary>
public sealed class LedgerBalanceCache(LedgerStore ledger, string book)
{
    private Snapshot current = new(0, Balances.Empty);

    /// <summary>The balances of the whole book as of its newest entries.</summary>
    public async Task<Balances> GetAsync(CancellationToken cancellationToken)
    {
        var start = Volatile.Read(ref current);
        var builder = new BalancesBuilder(start.Sums);
        long head = start.Head;
        Snapshot? consecutive = null; // set at the first row that does not follow the one before
        Balances? sums = null;
        try
        {
            await foreach (var entry in ledger.ReadAsync(book, checked(head + 1), cancellationToken).ConfigureAwait(false))
            {
                if (consecutive is null && entry.Sequence != head + 1)
                {
                    consecutive = new Snapshot(head, builder.ToBalances());
                }

                builder.Add(entry);
                head = consecutive is null ? entry.Sequence : head;
            }

            sums = builder.ToBalances();
            return sums;
        }
        finally
        {
            // Also when the read fails part way (an unreadable row, storage, a cancellation): what was read stays read.
            Publish(consecutive ?? new Snapshot(head, sums ?? builder.ToBalances()));
        }
    }

    private void Publish(Snapshot next)
    {
        for (var seen = Volatile.Read(ref current); next.Head > seen.Head; seen = Volatile.Read(ref current))
        {
            if (Interlocked.CompareExchange(ref current, next, seen) == seen)
            {
                return;
            }
        }
    }

    /// <summary>The sums of entries 1 to <paramref name="Head"/>.</summary>
    private sealed record Snapshot(long Head, Balances Sums);
}
