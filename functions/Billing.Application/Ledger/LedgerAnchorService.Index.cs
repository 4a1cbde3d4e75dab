namespace Billing.Application.Ledger;

/// <summary>
/// Backfilling the subject index (<see cref="LedgerIndex"/>) of a book written before appends indexed credit-note and refund
/// entries (2026-12-06: an upgraded deployment), whose burn holds read that index (<c>BookedCredits</c>) and are held until it
/// is whole. It covers the entries before the book's change-over (<see cref="BookFormat"/>: entries from it on are indexed by
/// their appends), appending a change-over entry first when the book has none yet. It runs after anchoring (never the reason
/// the book goes unanchored). Each run reads at most
/// <see cref="LedgerOptions.IndexBackfillEntriesPerRun"/> entries after the book's index cursor (<see cref="LedgerIndexCursor"/>)
/// and writes the rows they lack; it stops early once <see cref="IndexBackfillBudget"/> from the run's start is spent, and
/// saves the cursor every <see cref="IndexCursorEvery"/> entries, so a run cut off by the function's timeout loses at most
/// those and the next one goes on from there. A row is written only for an entry checked
/// against the hash chain: its hash matches its content, it links to the entry before (the cursor keeps the hash of the
/// last one checked, from the genesis on), and the last one is the one the change-over links to. An entry
/// that fails, or cannot be read, stops the backfill there (logged; verify reports the entry): nothing is derived from it
/// or anything after it. Rows are inserted, never replaced: concurrent runs write each once, and a row of other content
/// already under the key is left as it is (logged; verify reports <c>IndexRowMismatch</c>). The cursor moves forward
/// under its ETag only (a run that finds it moved by another stops there). The run that reaches the entry before the
/// change-over appends <see cref="BookFormat.BackfillCompleted"/> (hash-chained, then anchored): that entry, not the cursor,
/// is what lifts the burn hold (<see cref="LedgerStore.IsIndexCompleteAsync"/>). A book created with the index has its
/// change-over at entry 1, so a run costs it two reads.
/// </summary>
public sealed partial class LedgerAnchorService
{
    /// <summary>How many entries a run checks between two saves of the cursor, unless told otherwise.</summary>
    internal const int DefaultIndexCursorEvery = 500;

    /// <summary>How long after the run's start the backfill may go on (the function's timeout is 10 minutes, anchoring goes first).</summary>
    internal static readonly TimeSpan IndexBackfillBudget = TimeSpan.FromMinutes(5);

    /// <summary>How many entries a run checks between two saves of the cursor: a run cut off loses at most these.</summary>
    internal int IndexCursorEvery { get; init; } = DefaultIndexCursorEvery;

    /// <summary>One run of the backfill for the summary; null when the index was whole already. Never the reason anchoring stops.</summary>
    private async Task<string?> BackfillIndexAsync(string book, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        try
        {
            return (await BackfillIndexPageAsync(book, deadline, cancellationToken).ConfigureAwait(false))?.ToString();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // An unreadable cursor or head, or storage trouble: burns stay held, and the next run tries again.
            LogBackfillFailed(logger, ex.Message);
            return "failed: " + ex.Message;
        }
    }

    /// <summary>A run of the backfill started now (with the whole budget).</summary>
    internal Task<IndexBackfillRun?> BackfillIndexPageAsync(string book, CancellationToken cancellationToken) =>
        BackfillIndexPageAsync(book, time.GetUtcNow() + IndexBackfillBudget, cancellationToken);

    /// <summary>
    /// Writes the missing index rows of the next page of <paramref name="book"/> (or of what of it is checked before
    /// <paramref name="deadline"/>) and moves its cursor; null when it is complete already.
    /// </summary>
    internal async Task<IndexBackfillRun?> BackfillIndexPageAsync(string book, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        if (await ledger.IsIndexCompleteAsync(book, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        // Entries from the change-over on are indexed by their appends: the backfill ends at the one before it.
        var changeOver = await ledger.EnsureChangeOverAsync(book, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        long last = changeOver.Sequence - 1;
        var (cursor, etag) = await ledger.IndexCursorAsync(book, cancellationToken).ConfigureAwait(false);

        // A cursor saying complete with no evidence in the chain (which a completing run appends before saving it), or past the
        // change-over, is not one this backfill left: checked again from entry 1 (rows already there are left as they are).
        // An unsealed cursor (written before seals, or planted with a high IndexedThrough to skip rows) is not one either.
        bool fromStart = cursor is null || cursor.SealState != EntrySealState.Sealed || cursor.Complete || cursor.IndexedThrough > last;
        long start = fromStart ? 0 : cursor!.IndexedThrough;
        string previous = fromStart ? LedgerEntry.GenesisHash : cursor!.Hash;
        if (fromStart && cursor is not null)
        {
            LogCursorNotTrusted(logger, book, cursor.IndexedThrough, cursor.Complete, changeOver.Sequence);
        }

        long until = last - start <= options.Value.IndexBackfillEntriesPerRun ? last : start + options.Value.IndexBackfillEntriesPerRun;
        var run = new IndexBackfillRun(start + 1, start, last);
        var saved = new SavedCursor(book, start, etag);
        if (until > start)
        {
            (run, previous) = await IndexPageAsync(run, previous, until, changeOver, deadline, saved, cancellationToken).ConfigureAwait(false);
        }

        run = run with { Complete = run.Refusal is null && run.Through == last };
        if (run.Complete)
        {
            // The chain's word first: burns go by it. Idempotent by its id, so concurrent runs append it once. One found under
            // the id without this deployment's seal (written before seals, or planted) counts for nothing: appended again, sealed.
            var claim = await ledger.AppendAsync(book, BookFormat.BackfillCompleted(changeOver.Sequence, previous, time.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            if (!claim.IsSealed)
            {
                await ledger.AppendAsync(book, BookFormat.BackfillCompleted(changeOver.Sequence, previous, time.GetUtcNow(), resealed: true), cancellationToken).ConfigureAwait(false);
            }
        }

        if (run.Through > saved.Through || run.Complete)
        {
            await SaveAsync(saved, new LedgerIndexCursor(run.Through, previous, run.Complete), cancellationToken).ConfigureAwait(false);
        }

        if (run.Refusal is { } refusal)
        {
            LogBackfillRefused(logger, book, run.Through, refusal);
        }
        else if (run.Complete)
        {
            LogBackfillComplete(logger, book, last);
        }

        return run;
    }

    /// <summary>
    /// Entries <c>run.From</c> to <paramref name="until"/>, each checked and, when indexed, given its row, the cursor saved
    /// on the way; stops early at <paramref name="deadline"/> or once another run moved the cursor. The run so far and the
    /// last hash checked.
    /// </summary>
    private async Task<(IndexBackfillRun Run, string Previous)> IndexPageAsync(IndexBackfillRun run, string previous, long until, LedgerEntry changeOver, DateTimeOffset deadline, SavedCursor saved, CancellationToken cancellationToken)
    {
        string book = saved.Book;
        await foreach (var stored in ledger.ReadRecordedAsync(book, run.From, until, cancellationToken).ConfigureAwait(false))
        {
            long expected = run.Through + 1;
            string? wrong = stored.Entry is not { } entry ? $"entry row {stored.Sequence} cannot be read ({stored.Unreadable!.Row})"
                : entry.Sequence != expected ? string.Create(CultureInfo.InvariantCulture, $"sequence {expected} is missing (found {entry.Sequence})")
                : !entry.HashIsValid || entry.PreviousHash != previous || (entry.Sequence == changeOver.Sequence - 1 && entry.Hash != changeOver.PreviousHash)
                    ? string.Create(CultureInfo.InvariantCulture, $"entry {entry.Sequence} ('{entry.EntryId}') does not match its hash, its link to the entry before or the change-over's link to it")
                : null;
            if (wrong is not null)
            {
                return (run with { Refusal = wrong }, previous);
            }

            var checkedEntry = stored.Entry!;
            run = await IndexAsync(book, checkedEntry, run, cancellationToken).ConfigureAwait(false) with { Through = checkedEntry.Sequence };
            previous = checkedEntry.Hash;
            if (run.Through == until)
            {
                break;
            }

            // Progress survives a run cut off later; a cursor another run moved stands, and that run goes on from it.
            if (run.Through - saved.Through >= IndexCursorEvery
                && !await SaveAsync(saved, new LedgerIndexCursor(run.Through, previous, false), cancellationToken).ConfigureAwait(false))
            {
                return (run, previous);
            }

            if (time.GetUtcNow() >= deadline)
            {
                return (run, previous); // the budget is spent: the next run goes on from here
            }
        }

        return run.Through < until
            ? (run with { Refusal = string.Create(CultureInfo.InvariantCulture, $"storage ends at sequence {run.Through}, but the change-over is entry {changeOver.Sequence}") }, previous)
            : (run, previous);
    }

    /// <summary>Writes the index row of a checked entry that has a subject; the run with the write counted.</summary>
    private async Task<IndexBackfillRun> IndexAsync(string book, LedgerEntry checkedEntry, IndexBackfillRun run, CancellationToken cancellationToken)
    {
        if (LedgerIndex.SubjectOf(checkedEntry.Kind, checkedEntry.Metadata) is not { } subject)
        {
            return run;
        }

        var written = await ledger.AddIndexRowAsync(book, subject, checkedEntry, cancellationToken).ConfigureAwait(false);
        if (written == IndexRowWrite.OtherContent)
        {
            LogIndexRowOfOtherContent(logger, LedgerStore.IndexRowKey(subject, checkedEntry.EntryId), checkedEntry.Sequence);
        }

        return written switch
        {
            IndexRowWrite.Written => run with { Written = run.Written + 1 },
            IndexRowWrite.OtherContent => run with { OtherContent = run.OtherContent + 1 },
            _ => run,
        };
    }

    /// <summary>Saves <paramref name="cursor"/> under the ETag this run holds; false (and no save again) once another run wrote it first.</summary>
    private async Task<bool> SaveAsync(SavedCursor saved, LedgerIndexCursor cursor, CancellationToken cancellationToken)
    {
        if (saved.Lost)
        {
            return false;
        }

        saved.ETag = await ledger.SaveIndexCursorAsync(saved.Book, cursor, saved.ETag, cancellationToken).ConfigureAwait(false);
        saved.Lost = saved.ETag is null;
        saved.Through = cursor.IndexedThrough;
        return !saved.Lost;
    }

    /// <summary>The book's cursor as this run last read or saved it: how far, under which ETag, and whether another run wrote it since.</summary>
    private sealed class SavedCursor(string book, long through, ETag? etag)
    {
        public string Book { get; } = book;

        public long Through { get; set; } = through;

        public ETag? ETag { get; set; } = etag;

        public bool Lost { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Backfilling the subject index of book {Book} stopped after sequence {Through}: {Reason}. Burns stay held until it completes; run ledger verify")]
    private static partial void LogBackfillRefused(ILogger logger, string book, long through, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The subject index of book {Book} is whole through sequence {Last}, the entry before its change-over, and the book says so: burns waiting for it are signed again")]
    private static partial void LogBackfillComplete(ILogger logger, string book, long last);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The index cursor of book {Book} (through {Through}, complete {Complete}) is not one the backfill left before the change-over at {ChangeOver}: the book is checked again from entry 1")]
    private static partial void LogCursorNotTrusted(ILogger logger, string book, long through, bool complete, long changeOver);

    [LoggerMessage(Level = LogLevel.Error, Message = "Index row {RowKey} exists with other content than entry {Sequence} gives it; left as it is (ledger verify reports IndexRowMismatch)")]
    private static partial void LogIndexRowOfOtherContent(ILogger logger, string rowKey, long sequence);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Backfilling the subject index failed ({Reason}); burns stay held, tried again next run")]
    private static partial void LogBackfillFailed(ILogger logger, string reason);
}
