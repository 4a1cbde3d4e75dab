namespace Billing.Application.Ledger;

/// <summary>Verify's check of the subject index (<see cref="LedgerIndex"/>) against the entries it read.</summary>
public sealed partial class LedgerAudit
{
    /// <summary>
    /// The subject index rows against the entries read (<paramref name="indexed"/>: sequence → the row key its entry should
    /// have). Burn holds trust the index to find the credit notes and refunds booked against an invoice: a removed row
    /// (<c>IndexRowMissing</c>) lets a burn be signed once the credit note or refund rows are removed too, and a row that
    /// names another entry than the one at its sequence (<c>IndexRowMismatch</c>) holds a burn on nothing. Rows past
    /// <paramref name="checkedThrough"/> may be appends made since and are left to the next verification. In a book written
    /// before appends indexed, whose backfill is not complete, the entries past its cursor lack their rows by design: one
    /// <c>IndexBackfillIncomplete</c> says so, instead of an <c>IndexRowMissing</c> each that a real deletion would blend into.
    /// </summary>
    private async Task<List<AuditProblem>> SubjectIndexProblemsAsync(string book, Dictionary<long, string> indexed, long checkedThrough, bool anyEntry, CancellationToken cancellationToken)
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

        var (backfilledThrough, incomplete) = await BackfillStateAsync(book, anyEntry, cancellationToken).ConfigureAwait(false);
        var missing = indexed.Where(i => !present.Contains(i.Value)).OrderBy(i => i.Key).ToList();
        foreach (var (sequence, rowKey) in missing.Where(m => m.Key <= backfilledThrough))
        {
            problems.Add(new("IndexRowMissing", rowKey, string.Create(CultureInfo.InvariantCulture,
                $"the entry at sequence {sequence} has no subject index row, so the burn of its invoice no longer sees it (deleted outside the platform); restore the row {rowKey} with EntryId and Sequence {sequence}")));
        }

        if (incomplete is not null)
        {
            int waiting = missing.Count(m => m.Key > backfilledThrough);
            problems.Add(new("IndexBackfillIncomplete", $"book {book}", string.Create(CultureInfo.InvariantCulture,
                $"{incomplete}; {waiting} credit-note or refund {(waiting == 1 ? "entry" : "entries")} past sequence {backfilledThrough} {(waiting == 1 ? "has" : "have")} no index row yet and {(waiting == 1 ? "is" : "are")} not reported one by one. Until it is complete, every burn is held (reason 'ledger index not complete')")));
        }

        return problems;
    }

    /// <summary>
    /// Through which sequence the index is known whole (<see cref="long.MaxValue"/>: all of it), and why not all of it when
    /// it is not: the book's index cursor (<see cref="LedgerIndexCursor"/>), or none while the book has entries.
    /// </summary>
    private async Task<(long Through, string? Incomplete)> BackfillStateAsync(string book, bool anyEntry, CancellationToken cancellationToken)
    {
        const string Upgraded = "the book holds entries booked before appends wrote subject index rows for credit-note and refund entries (a deployment upgraded from before 2026-12-06)";
        LedgerIndexCursor? cursor;
        try
        {
            (cursor, _) = await ledger.IndexCursorAsync(book, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException ex)
        {
            return (0, $"the index cursor cannot be read ({ex.Message}), so the anchor run backfills nothing and the index is not known whole: "
                + $"delete row '{LedgerStore.IndexCursorRowKey}' and the next anchor run checks the book from entry 1 again");
        }

        return cursor switch
        {
            { Complete: true } => (long.MaxValue, null),
            null when !anyEntry => (long.MaxValue, null), // a new book: its first append writes a complete cursor
            null => (0, Upgraded + ", and the anchor run has not started writing them (it checks each entry against the hash chain first)"),
            _ => (cursor.IndexedThrough, string.Create(CultureInfo.InvariantCulture,
                $"{Upgraded}; the anchor run writes them from the entries it checks against the hash chain, a page a run, and has done so through sequence {cursor.IndexedThrough}")),
        };
    }
}
