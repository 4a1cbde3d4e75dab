using Billing.Application.Resilience;

namespace Billing.Application.Ledger;

/// <summary>
/// Keeping the anchors table whole below the chain's newest anchor: payers' proofs find their anchor through that table
/// only, so a row lost there (a pending row discarded after its memo landed, a row deleted outside the platform) would
/// leave every entry of its range "not anchored" to them. A row that cannot be read counts as lost and is replaced, as
/// the newest anchor's row always was. Each run looks for the first range no confirmed row covers and
/// puts back, from the chain, the rows of the anchors in it: only memos in transactions the authority signed count
/// (<see cref="AnchorChainReader"/>), nothing is anchored again, and the search reads only the authority's transactions
/// between the stored rows around the gap. One gap per run; a gap whose search found nothing is not searched again by
/// this instance (verify reports such a history). The rows are listed once per run, as a proof lists them.
/// Only the authority's own rows are coverage, and only they bound a search: after the authority changed, the earlier
/// key's rows stay in the table, but they say nothing about the new key's anchors, and none of their transactions is in
/// its history. A row written before rows recorded their signer is judged by the chain (one transaction read, at most
/// <see cref="MaxRowsJudgedPerRun"/> a run) and, when the authority signed it, the signer is recorded in it, so it is
/// judged once; one the authority did not sign is remembered by this instance.
/// </summary>
public sealed partial class LedgerAnchorService
{
    /// <summary>Rows without a recorded signer judged by the chain in one run, at most; the rest wait for the next run.</summary>
    internal const int MaxRowsJudgedPerRun = 50;

    private readonly Lock rowsLock = new();
    private readonly HashSet<(long From, long To)> searchedInVain = [];
    private readonly HashSet<string> notTheAuthoritys = new(StringComparer.Ordinal);

    private async Task RestoreLostRowsAsync(string book, PublicKey key, OnChainAnchor latest, CancellationToken cancellationToken)
    {
        (long From, long To, string? Above, string? Below)? gap = null;
        try
        {
            gap = await FirstGapAsync(book, key, latest.Content.ToSeq, cancellationToken).ConfigureAwait(false);
            if (gap is { } g && await RestoreAsync(book, key, g, cancellationToken).ConfigureAwait(false) == 0)
            {
                SearchedInVain(g.From, g.To);
                LogGapNotOnChain(logger, g.From, g.To);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The table is only a cache of the chain: anchoring goes on. A transient failure is tried again next run; any
            // other (a stored signature the node refuses as a bound, say) would fail the same way, so that gap is left.
            bool transient = TransientFailures.IsTransient(ex);
            if (!transient && gap is { } g)
            {
                SearchedInVain(g.From, g.To);
            }

            LogRestoreFailed(logger, ex.Message, transient);
        }
    }

    /// <summary>Upserts the row of each anchor on chain inside <paramref name="gap"/>; how many.</summary>
    private async Task<int> RestoreAsync(string book, PublicKey key, (long From, long To, string? Above, string? Below) gap, CancellationToken cancellationToken)
    {
        int restored = 0;
        await foreach (var anchor in chain.ReadAnchorsBetweenAsync(key, authority.LedgerName, book, gap.Above, gap.Below, cancellationToken).ConfigureAwait(false))
        {
            var c = anchor.Content;
            if (c.ToSeq < gap.From)
            {
                break; // older than the gap: an anchor is built only once the one before it is on chain
            }

            if (c.FromSeq >= gap.From && c.ToSeq <= gap.To)
            {
                await anchors.UpsertAsync(Row(anchor, key.ToString()), cancellationToken).ConfigureAwait(false);
                LogRowRestored(logger, c.FromSeq, c.ToSeq, anchor.Signature);
                restored++;
                if (c.FromSeq == gap.From)
                {
                    break;
                }
            }
        }

        return restored;
    }

    private void SearchedInVain(long from, long to)
    {
        lock (rowsLock)
        {
            searchedInVain.Add((from, to));
        }
    }

    /// <summary>
    /// The first range up to <paramref name="chainTo"/> that no confirmed row of <paramref name="key"/> covers and this
    /// instance has not searched in vain, with the transactions of that key's stored rows around it (null: the newest, or
    /// the oldest, of the history); null also when the rows past the last judged one wait for the next run.
    /// </summary>
    private async Task<(long From, long To, string? Above, string? Below)?> FirstGapAsync(string book, PublicKey key, long chainTo, CancellationToken cancellationToken)
    {
        string signer = key.ToString();
        var rows = (await anchors.ListRowsAsync(book, cancellationToken).ConfigureAwait(false)).Anchors
            .Where(a => a.IsConfirmedWithSignature && a.FromSeq <= chainTo && a.MayBeSignedBy(signer));
        var (expected, below, judged) = (1L, (string?)null, 0);
        foreach (var row in rows)
        {
            if (row.ToSeq < expected)
            {
                continue; // a range already covered (rows are read in order of where they end)
            }

            if (row.Signer is null)
            {
                if (Rejected(row.Signature!))
                {
                    continue;
                }

                if (judged++ == MaxRowsJudgedPerRun)
                {
                    return null;
                }

                if (!await SignedByAuthorityAsync(book, key, row, cancellationToken).ConfigureAwait(false))
                {
                    continue;
                }
            }

            if (row.FromSeq > expected && Unsearched(expected, row.FromSeq - 1))
            {
                return (expected, row.FromSeq - 1, row.Signature, below);
            }

            (expected, below) = (row.ToSeq + 1, row.Signature);
        }

        return expected <= chainTo && Unsearched(expected, chainTo) ? (expected, chainTo, null, below) : null;
    }

    /// <summary>
    /// Whether the chain shows <paramref name="row"/> (of unknown signer) is the authority's anchor: if so, the signer is
    /// recorded in it; if not, this instance remembers (an earlier key's row, or one planted).
    /// </summary>
    private async Task<bool> SignedByAuthorityAsync(string book, PublicKey key, LedgerAnchor row, CancellationToken cancellationToken)
    {
        string signature = row.Signature!;
        if (await chain.GetAsync(key, authority.LedgerName, book, signature, cancellationToken).ConfigureAwait(false) is { } backed && backed.Content == row.Content)
        {
            await anchors.RecordSignerAsync(book, row.ToSeq, signature, key.ToString(), cancellationToken).ConfigureAwait(false);
            return true;
        }

        lock (rowsLock)
        {
            notTheAuthoritys.Add(signature);
        }

        return false;
    }

    private bool Rejected(string signature)
    {
        lock (rowsLock)
        {
            return notTheAuthoritys.Contains(signature);
        }
    }

    private bool Unsearched(long from, long to)
    {
        lock (rowsLock)
        {
            return !searchedInVain.Contains((from, to));
        }
    }

    /// <summary>The confirmed row of <paramref name="anchor"/> as the chain shows it, signed by <paramref name="signer"/> (its block time, else now, as the row's time).</summary>
    private LedgerAnchor Row(OnChainAnchor anchor, string signer)
    {
        var c = anchor.Content;
        return new LedgerAnchor(c.Book, c.FromSeq, c.ToSeq, c.RootHex, anchor.BlockTime ?? time.GetUtcNow())
        {
            Ledger = c.Ledger, PreviousRootHex = c.PreviousRootHex, Signature = anchor.Signature, Slot = anchor.Slot, Status = AnchorStatus.Confirmed, Signer = signer,
        };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No readable confirmed anchor row covered ledger entries {From}-{To} (lost, or unreadable); put back from the chain (transaction {Signature})")]
    private static partial void LogRowRestored(ILogger logger, long from, long to, string signature);

    [LoggerMessage(Level = LogLevel.Error, Message = "No confirmed anchor row covers ledger entries {From}-{To}, and the chain between the rows around them holds no anchor of the authority for them; run ledger verify")]
    private static partial void LogGapNotOnChain(ILogger logger, long from, long to);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Putting back a lost anchor row failed ({Reason}); transient: {Transient} (a transient failure is tried again next run)")]
    private static partial void LogRestoreFailed(ILogger logger, string reason, bool transient);
}
