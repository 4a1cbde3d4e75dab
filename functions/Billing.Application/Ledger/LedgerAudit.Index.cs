namespace Billing.Application.Ledger;

/// <summary>Verify's check of the subject index (<see cref="LedgerIndex"/>) against the entries it read.</summary>
public sealed partial class LedgerAudit
{
    /// <summary>
    /// The subject index rows against the entries read (<paramref name="indexed"/>: sequence → the row key its entry should
    /// have). Burn holds trust the index to find the credit notes and refunds booked against an invoice: a removed row
    /// (<c>IndexRowMissing</c>) lets a burn be signed once the credit note or refund rows are removed too, and a row that
    /// names another entry than the one at its sequence (<c>IndexRowMismatch</c>) holds a burn on nothing. Rows past
    /// <paramref name="checkedThrough"/> may be appends made since and are left to the next verification. Which entries must
    /// have their rows is the chain's word (<paramref name="format"/>, <see cref="BookFormat"/>): those from the book's change-over
    /// on, and those below a backfill claim (one the index contradicts is <c>BookFormatClaimFalse</c>). In a book written before
    /// appends indexed, whose backfill is not evidenced yet, the older entries lack their rows by design: one
    /// <c>IndexBackfillIncomplete</c> says so, instead of an <c>IndexRowMissing</c> each that a real deletion would blend into.
    /// </summary>
    private async Task<List<AuditProblem>> SubjectIndexProblemsAsync(string book, Dictionary<long, string> indexed, long checkedThrough, bool anyEntry, BookFormatFacts format, CancellationToken cancellationToken)
    {
        var problems = new List<AuditProblem>();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (rowKey, entryId, sequence) in await ledger.IndexRowsAsync(book, cancellationToken).ConfigureAwait(false))
        {
            present.Add(rowKey);
            if (sequence is not { } at || at > checkedThrough)
            {
                if (sequence is null || entryId is null)
                {
                    problems.Add(new("IndexRowMismatch", $"index row {rowKey}", "holds no readable EntryId and Sequence"));
                }

                continue;
            }

            if (!indexed.TryGetValue(at, out string? expected) || expected != rowKey)
            {
                problems.Add(new("IndexRowMismatch", $"index row {rowKey}", string.Create(CultureInfo.InvariantCulture,
                    $"points at sequence {at} (entry '{entryId}'), whose entry is not indexed under this key: written outside the platform; a burn may be held on it")));
            }
        }

        long changeOver = format.ChangeOver ?? long.MaxValue;
        long below = format.IndexedBelow;
        bool whole = !anyEntry || below >= changeOver;
        var (cursorThrough, incomplete) = whole ? (0, null) : await BackfillStateAsync(book, format, cancellationToken).ConfigureAwait(false);
        bool Required(long sequence) => whole || sequence >= changeOver || sequence < below || sequence <= cursorThrough;
        var missing = indexed.Where(i => !present.Contains(i.Value)).OrderBy(i => i.Key).ToList();
        foreach (var (sequence, rowKey) in missing.Where(m => Required(m.Key)))
        {
            problems.Add(new("IndexRowMissing", rowKey, string.Create(CultureInfo.InvariantCulture,
                $"the entry at sequence {sequence} has no subject index row, so the burn of its invoice no longer sees it (deleted outside the platform); restore the row {rowKey} with EntryId and Sequence {sequence}")));
        }

        foreach (var (claim, claimedBelow) in format.Claims)
        {
            int lacking = missing.Count(m => m.Key < claimedBelow);
            if (lacking > 0)
            {
                problems.Add(new(BookFormatFacts.ClaimFalse, claim.EntryId, string.Create(CultureInfo.InvariantCulture,
                    $"{claim.Kind} #{claim.Sequence} says every entry before the change-over at sequence {claimedBelow} has its subject index rows, and burns were signed on its word, but {lacking} {(lacking == 1 ? "does" : "do")} not (each reported IndexRowMissing): rows deleted since, or the backfill was misled by an index cursor written outside the platform")));
            }
        }

        if (incomplete is not null)
        {
            int waiting = missing.Count(m => !Required(m.Key));
            problems.Add(new("IndexBackfillIncomplete", $"book {book}", string.Create(CultureInfo.InvariantCulture,
                $"{incomplete}; {waiting} credit-note or refund {(waiting == 1 ? "entry" : "entries")} past sequence {cursorThrough} {(waiting == 1 ? "has" : "have")} no index row yet and {(waiting == 1 ? "is" : "are")} not reported one by one. Until it is complete, every burn is held (reason 'ledger index not complete')")));
        }

        return problems;
    }

    /// <summary>
    /// Why the index is not known whole, and how far the backfill says it got (its cursor: only its working position, and
    /// information here).
    /// </summary>
    private async Task<(long Through, string? Incomplete)> BackfillStateAsync(string book, BookFormatFacts format, CancellationToken cancellationToken)
    {
        const string Upgraded = "the book holds entries booked before appends wrote subject index rows for credit-note and refund entries (a deployment upgraded from before 2026-12-06)";
        string where = format.ChangeOver is { } at
            ? string.Create(CultureInfo.InvariantCulture, $"{Upgraded}, before its change-over at sequence {at}, and no entry of the book says the anchor run has written them all")
            : Upgraded + ", and no entry marks the book's change-over yet (the next append or anchor run appends it)";
        LedgerIndexCursor? cursor;
        try
        {
            (cursor, _) = await ledger.IndexCursorAsync(book, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            return (0, $"{where}; the index cursor cannot be read ({ex.Message}), so the anchor run backfills nothing: "
                + $"delete row '{LedgerStore.IndexCursorRowKey}' and the next anchor run checks the book from entry 1 again");
        }

        if (cursor is { SealState: not EntrySealState.Sealed })
        {
            return (0, string.Create(CultureInfo.InvariantCulture,
                $"{where}; the index cursor (through {cursor.IndexedThrough}) carries {(cursor.SealState == EntrySealState.Invalid ? "a seal no key of this deployment verifies" : "no seal")} (written before seals, or outside the platform), so the anchor run does not go by it and checks the book from entry 1 again"));
        }

        return cursor is null || cursor.Complete
            ? (0, where + "; the anchor run writes them from the entries it checks against the hash chain, and has not started")
            : (cursor.IndexedThrough, string.Create(CultureInfo.InvariantCulture,
                $"{where}; the anchor run writes them from the entries it checks against the hash chain, a page a run, and has done so through sequence {cursor.IndexedThrough}"));
    }
}
