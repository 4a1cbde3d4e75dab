namespace Billing.Application.Ledger;

/// <summary>
/// Backfilling the subject index (<see cref="LedgerIndex"/>) of a book written before appends indexed credit-note and refund
/// entries (2026-12-06: an upgraded deployment), whose burn holds read that index (<c>BookedCredits</c>) and are held until it
/// is whole. Each run reads at most <see cref="LedgerOptions.IndexBackfillEntriesPerRun"/> entries after the book's index
/// cursor (<see cref="LedgerIndexCursor"/>) and writes the rows they lack. A row is written only for an entry checked
/// against the hash chain: its hash matches its content, it links to the entry before (the cursor keeps the hash of the
/// last one checked, from the genesis on), and it is at or below the head (the last one holds the head's hash). An entry
/// that fails, or cannot be read, stops the backfill there (logged; verify reports the entry): nothing is derived from it
/// or anything after it. Rows are inserted, never replaced: concurrent runs write each once, and a row of other content
/// already under the key is left as it is (logged; verify reports <c>IndexRowMismatch</c>). The cursor moves forward
/// under its ETag only; it is complete once a run reached the head it read. A book created with the index has a complete
/// cursor from its first append, so a run costs it one read.
/// </summary>
public sealed partial class LedgerAnchorService
{
    /// <summary>How many entries a run checks between two saves of the cursor, unless told otherwise.</summary>
    internal const int DefaultIndexCursorEvery = 500;

    /// <summary>How long after its start a run goes on backfilling (the function's timeout is 10 minutes).</summary>
    internal static readonly TimeSpan IndexBackfillBudget = TimeSpan.FromMinutes(5);

    /// <summary>How many entries a run checks between two saves of the cursor: a run cut off loses at most these.</summary>
    internal int IndexCursorEvery { get; init; } = DefaultIndexCursorEvery;

    /// <summary>One run of the backfill for the summary; null when the index was whole already. Never the reason anchoring stops.</summary>
    private async Task<string?> BackfillIndexAsync(string book, CancellationToken cancellationToken)
    {
        try
        {
            return (await BackfillIndexPageAsync(book, cancellationToken).ConfigureAwait(false))?.ToString();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An unreadable cursor or head, or storage trouble: burns stay held, and the next run tries again.
            LogBackfillFailed(logger, ex.Message);
            return "failed: " + ex.Message;
        }
    }

    /// <summary>Writes the missing index rows of the next page of <paramref name="book"/> and moves its cursor; null when it is complete already.</summary>
    internal async Task<IndexBackfillRun?> BackfillIndexPageAsync(string book, CancellationToken cancellationToken)
    {
        var (cursor, etag) = await ledger.IndexCursorAsync(book, cancellationToken).ConfigureAwait(false);
        if (cursor is { Complete: true })
        {
            return null;
        }

        long start = cursor?.IndexedThrough ?? 0;
        string previous = cursor?.Hash ?? LedgerEntry.GenesisHash;
        var head = await ledger.HeadAsync(book, cancellationToken).ConfigureAwait(false);
        long until = head.LastSequence - start <= options.Value.IndexBackfillEntriesPerRun ? head.LastSequence : start + options.Value.IndexBackfillEntriesPerRun;
        var run = new IndexBackfillRun(start + 1, start, head.LastSequence);
        if (head.LastSequence < start || head.LastSequence == 0 && await ledger.ReadRecordedAsync(book, 1, 1, cancellationToken).AnyAsync(cancellationToken).ConfigureAwait(false))
        {
            run = run with { Refusal = string.Create(CultureInfo.InvariantCulture, $"the head records sequence {head.LastSequence}, but entries were indexed through {start} or entry 1 exists") };
        }
        else if (until > start)
        {
            (run, previous) = await IndexPageAsync(book, run, previous, until, head, cancellationToken).ConfigureAwait(false);
        }

        run = run with { Complete = run.Refusal is null && run.Through == head.LastSequence };
        if (run.Through > start || run.Complete)
        {
            // Lost to another run (it wrote the cursor first): its cursor stands, and the rows written here are the same.
            await ledger.SaveIndexCursorAsync(book, new LedgerIndexCursor(run.Through, previous, run.Complete), etag, cancellationToken).ConfigureAwait(false);
        }

        if (run.Refusal is { } refusal)
        {
            LogBackfillRefused(logger, book, run.Through, refusal);
        }
        else if (run.Complete)
        {
            LogBackfillComplete(logger, book, head.LastSequence);
        }

        return run;
    }

    /// <summary>Entries <c>run.From</c> to <paramref name="until"/>, each checked and, when indexed, given its row; the run so far and the last hash checked.</summary>
    private async Task<(IndexBackfillRun Run, string Previous)> IndexPageAsync(string book, IndexBackfillRun run, string previous, long until, LedgerHead head, CancellationToken cancellationToken)
    {
        await foreach (var stored in ledger.ReadRecordedAsync(book, run.From, until, cancellationToken).ConfigureAwait(false))
        {
            long expected = run.Through + 1;
            string? wrong = stored.Entry is not { } entry ? $"entry row {stored.Sequence} cannot be read ({stored.Unreadable!.Row})"
                : entry.Sequence != expected ? string.Create(CultureInfo.InvariantCulture, $"sequence {expected} is missing (found {entry.Sequence})")
                : !entry.HashIsValid || entry.PreviousHash != previous || (entry.Sequence == head.LastSequence && entry.Hash != head.LastHash)
                    ? string.Create(CultureInfo.InvariantCulture, $"entry {entry.Sequence} ('{entry.EntryId}') does not match its hash, its link to the entry before or the head")
                : null;
            if (wrong is not null)
            {
                return (run with { Refusal = wrong }, previous);
            }

            var checkedEntry = stored.Entry!;
            if (LedgerIndex.SubjectOf(checkedEntry.Kind, checkedEntry.Metadata) is { } subject)
            {
                var written = await ledger.AddIndexRowAsync(book, subject, checkedEntry, cancellationToken).ConfigureAwait(false);
                if (written == IndexRowWrite.OtherContent)
                {
                    LogIndexRowOfOtherContent(logger, LedgerStore.IndexRowKey(subject, checkedEntry.EntryId), checkedEntry.Sequence);
                }

                run = written switch
                {
                    IndexRowWrite.Written => run with { Written = run.Written + 1 },
                    IndexRowWrite.OtherContent => run with { OtherContent = run.OtherContent + 1 },
                    _ => run,
                };
            }

            run = run with { Through = checkedEntry.Sequence };
            previous = checkedEntry.Hash;
        }

        return run.Through < until
            ? (run with { Refusal = string.Create(CultureInfo.InvariantCulture, $"storage ends at sequence {run.Through}, but the head records {head.LastSequence}") }, previous)
            : (run, previous);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Backfilling the subject index of book {Book} stopped after sequence {Through}: {Reason}. Burns stay held until it completes; run ledger verify")]
    private static partial void LogBackfillRefused(ILogger logger, string book, long through, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The subject index of book {Book} is whole through its head, sequence {Head}: burns waiting for it are signed again")]
    private static partial void LogBackfillComplete(ILogger logger, string book, long head);

    [LoggerMessage(Level = LogLevel.Error, Message = "Index row {RowKey} exists with other content than entry {Sequence} gives it; left as it is (ledger verify reports IndexRowMismatch)")]
    private static partial void LogIndexRowOfOtherContent(ILogger logger, string rowKey, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backfilling the subject index failed ({Reason}); burns stay held, tried again next run")]
    private static partial void LogBackfillFailed(ILogger logger, string reason);
}
