namespace Billing.Domain.Ledger;

/// <summary>
/// Recomputes a book's hash chain. What is checked, and reported as <see cref="LedgerProblem"/>s (empty = intact):
/// <list type="bullet">
/// <item>per entry: the recomputed hash equals the stored one (<see cref="LedgerProblemKind.HashMismatch"/>); postings
/// balance per asset (<see cref="LedgerProblemKind.Unbalanced"/>) and obey the entry rules; ids are unique; one book;</item>
/// <item>order of the list: strictly ascending sequences (<see cref="LedgerProblemKind.OutOfOrder"/>,
/// <see cref="LedgerProblemKind.DuplicateSequence"/>);</item>
/// <item>the chain, walked in sequence order: sequences contiguous from the expected first one
/// (<see cref="LedgerProblemKind.SequenceGap"/>), each previous hash equal to the stored hash of the entry before
/// (<see cref="LedgerProblemKind.PreviousHashMismatch"/>; not checked across a gap, which is already reported).</item>
/// </list>
/// A changed field shows as a hash mismatch; a changed field with a recomputed hash shows as a previous-hash mismatch at
/// the next entry; rewriting the whole tail is caught by the anchors and the head (<see cref="LedgerStreamVerifier"/>).
/// </summary>
public static class HashChain
{
    /// <summary>Verifies a whole book (sequence 1 onwards) or, with <paramref name="firstSequence"/> and
    /// <paramref name="previousHash"/>, a contiguous part of it starting after a known entry.</summary>
    public static IReadOnlyList<LedgerProblem> Verify(IReadOnlyList<LedgerEntry> entriesOfOneBook, long firstSequence = 1, string? previousHash = null)
    {
        ArgumentNullException.ThrowIfNull(entriesOfOneBook);
        ArgumentOutOfRangeException.ThrowIfLessThan(firstSequence, 1L);
        previousHash ??= LedgerEntry.GenesisHash;
        var problems = new List<LedgerProblem>();
        if (entriesOfOneBook.Count == 0)
        {
            return problems;
        }

        string book = entriesOfOneBook[0].Book;
        var ids = new Dictionary<string, long>(StringComparer.Ordinal);
        for (int i = 0; i < entriesOfOneBook.Count; i++)
        {
            LedgerEntry e = entriesOfOneBook[i];
            CheckEntry(e, problems);
            if (!string.Equals(e.Book, book, StringComparison.Ordinal))
            {
                problems.Add(Problem(LedgerProblemKind.WrongBook, e, $"belongs to book '{e.Book}', the list is of book '{book}'"));
            }

            if (!ids.TryAdd(e.EntryId, e.Sequence))
            {
                problems.Add(Problem(LedgerProblemKind.DuplicateEntryId, e, $"entry id also used by sequence {ids[e.EntryId]}"));
            }

            if (i > 0)
            {
                LedgerEntry before = entriesOfOneBook[i - 1];
                if (e.Sequence == before.Sequence)
                {
                    problems.Add(Problem(LedgerProblemKind.DuplicateSequence, e, $"sequence {e.Sequence} is also held by entry '{before.EntryId}'"));
                }
                else if (e.Sequence < before.Sequence)
                {
                    problems.Add(Problem(LedgerProblemKind.OutOfOrder, e, $"sequence {e.Sequence} comes after sequence {before.Sequence} ('{before.EntryId}')"));
                }
            }
        }

        // The chain, in sequence order; for a duplicated sequence the first occurrence is linked (the duplicate is reported above).
        var chain = entriesOfOneBook.Select((e, i) => (Entry: e, Index: i))
            .OrderBy(x => x.Entry.Sequence).ThenBy(x => x.Index)
            .Select(x => x.Entry);
        long expected = firstSequence;
        string expectedPrevious = previousHash;
        LedgerEntry? last = null;
        foreach (LedgerEntry e in chain)
        {
            if (last is not null && e.Sequence == last.Sequence)
            {
                continue;
            }

            if (e.Sequence < expected)
            {
                problems.Add(Problem(LedgerProblemKind.InvalidEntry, e, $"sequence {e.Sequence} is below the first expected sequence {expected}"));
                continue;
            }

            if (e.Sequence > expected)
            {
                string missing = e.Sequence - 1 == expected
                    ? expected.ToString(CultureInfo.InvariantCulture)
                    : string.Create(CultureInfo.InvariantCulture, $"{expected}..{e.Sequence - 1}");
                problems.Add(Problem(LedgerProblemKind.SequenceGap, e, $"sequence {missing} missing before sequence {e.Sequence}"));
            }
            else if (!string.Equals(e.PreviousHash, expectedPrevious, StringComparison.Ordinal))
            {
                string of = last is null ? "the chain start" : $"sequence {last.Sequence} ('{last.EntryId}')";
                problems.Add(Problem(LedgerProblemKind.PreviousHashMismatch, e, $"previous hash {e.PreviousHash} differs from the hash {expectedPrevious} of {of}"));
            }

            expected = Next(e.Sequence);
            expectedPrevious = e.Hash;
            last = e;
        }

        return [.. problems.Select((p, i) => (p, i)).OrderBy(x => x.p.Sequence).ThenBy(x => x.i).Select(x => x.p)];
    }

    private static void CheckEntry(LedgerEntry e, List<LedgerProblem> problems)
    {
        string? recomputed = null;
        try
        {
            recomputed = e.ComputeHash();
        }
        catch (ArgumentException ex)
        {
            problems.Add(Problem(LedgerProblemKind.InvalidEntry, e, "cannot be encoded: " + ex.Message));
        }

        if (recomputed is not null && !string.Equals(recomputed, e.Hash, StringComparison.Ordinal))
        {
            problems.Add(Problem(LedgerProblemKind.HashMismatch, e, $"stored hash {e.Hash} differs from the recomputed hash {recomputed}: the entry was changed"));
        }

        if (!LedgerEncoding.IsHash(e.PreviousHash))
        {
            problems.Add(Problem(LedgerProblemKind.InvalidEntry, e, $"previous hash '{e.PreviousHash}' is not 64 lower-case hex digits"));
        }

        foreach (var (unbalanced, message) in LedgerValidation.CheckPostings(e.Postings, e.Kind))
        {
            problems.Add(Problem(unbalanced ? LedgerProblemKind.Unbalanced : LedgerProblemKind.InvalidEntry, e, message));
        }

        foreach (string message in LedgerValidation.HeaderProblems(e.EntryId, e.Kind, e.Metadata))
        {
            problems.Add(Problem(LedgerProblemKind.InvalidEntry, e, message));
        }
    }

    private static LedgerProblem Problem(LedgerProblemKind kind, LedgerEntry e, string message) => new(kind, e.Sequence, e.EntryId, message);

    /// <summary>
    /// The sequence expected after <paramref name="sequence"/>. A row can claim <see cref="long.MaxValue"/> (a planted
    /// value): nothing comes after it, so every later entry is reported as below, instead of the count overflowing.
    /// </summary>
    internal static long Next(long sequence) => sequence == long.MaxValue ? sequence : sequence + 1;
}
