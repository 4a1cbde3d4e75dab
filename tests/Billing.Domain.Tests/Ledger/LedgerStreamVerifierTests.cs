using static Billing.Domain.Tests.Ledger.AnchorChainTests;
using static Billing.Domain.Tests.Ledger.TestLedger;

namespace Billing.Domain.Tests.Ledger;

public class LedgerStreamVerifierTests
{
    private static IReadOnlyList<LedgerProblem> Run(IEnumerable<LedgerEntry> entries, IReadOnlyList<OnChainAnchor> anchors, DateTimeOffset recordedAt, long? head = null, string? headHash = null)
    {
        var verifier = new LedgerStreamVerifier(LedgerEntries.MainBook, anchors, T0.AddHours(1), TimeSpan.FromMinutes(20));
        foreach (var e in entries)
        {
            verifier.Add(e, recordedAt);
        }

        return verifier.Complete(head, headHash);
    }

    [Fact]
    public void Complete_IntactAnchoredBook_NoProblems()
    {
        var chain = Chain(5);
        var a = Anchor(chain[..3], AnchorMemo.NoPreviousRoot, 1);
        var b = Anchor(chain[3..], a.Content.RootHex, 2);

        Assert.Empty(Run(chain, [a, b], T0, 5, chain[^1].Hash));
    }

    [Fact]
    public void Complete_EditedAndRehashedEntry_ReportsRootMismatchOfItsAnchor()
    {
        var chain = Chain(4);
        var a = Anchor(chain[..2], AnchorMemo.NoPreviousRoot, 1);
        var b = Anchor(chain[2..], a.Content.RootHex, 2);
        chain[1] = Rehashed(With(chain[1], postings: chain[1].Postings.Select(p => p with { Amount = p.Amount * 10 })));
        for (int i = 2; i < chain.Count; i++)
        {
            chain[i] = Rehashed(With(chain[i], previousHash: chain[i - 1].Hash));
        }

        var problems = Run(chain, [a, b], T0);

        Assert.Equal(2, problems.Count(p => p.Kind == LedgerProblemKind.AnchorRootMismatch));
        Assert.Contains(problems, p => p.Message.Contains("anchor 1-2", StringComparison.Ordinal));
    }

    [Fact]
    public void Complete_AnchorBeyondTheLastEntry_ReportsIncomplete()
    {
        var chain = Chain(3);
        var a = Anchor(chain, AnchorMemo.NoPreviousRoot, 1);

        var problem = Assert.Single(Run(chain[..2], [a], T0));

        Assert.Equal(LedgerProblemKind.AnchorIncomplete, problem.Kind);
    }

    [Fact]
    public void Complete_OldUnanchoredEntry_ReportsNotAnchoredNamingTheFirst()
    {
        var chain = Chain(4);
        var a = Anchor(chain[..2], AnchorMemo.NoPreviousRoot, 1);

        var fresh = Run(chain, [a], T0.AddMinutes(50));
        var stale = Run(chain, [a], T0);

        Assert.Empty(fresh);
        var problem = Assert.Single(stale);
        Assert.Equal((LedgerProblemKind.NotAnchored, 3L, chain[2].EntryId), (problem.Kind, problem.Sequence, problem.EntryId));
    }

    [Fact]
    public void Complete_HeadBehindTheEntries_ReportsHeadMismatch()
    {
        var chain = Chain(2);

        Assert.Equal(LedgerProblemKind.HeadMismatch, Assert.Single(Run(chain, [], T0.AddMinutes(50), 1, chain[0].Hash)).Kind);
    }

    [Fact]
    public void Complete_TailDropped_ReportsHeadMismatchNamingTheLastEntry()
    {
        var chain = Chain(5);
        Assert.Empty(Run([], [], T0.AddMinutes(50), 0, LedgerEntry.GenesisHash));

        var problem = Assert.Single(Run(chain[..4], [], T0.AddMinutes(50), 5, chain[4].Hash));

        Assert.Equal((LedgerProblemKind.HeadMismatch, 5L), (problem.Kind, problem.Sequence));
        Assert.Contains("the last entry is sequence 4", problem.Message, StringComparison.Ordinal);
    }

    /// <summary>Runs the chain with the entry at <paramref name="index"/> given as a row that cannot be read (its hash readable or not).</summary>
    private static IReadOnlyList<LedgerProblem> RunWithUnreadable(IReadOnlyList<LedgerEntry> chain, int index, bool hashReadable, IReadOnlyList<OnChainAnchor> anchors)
    {
        var verifier = new LedgerStreamVerifier(LedgerEntries.MainBook, anchors, T0.AddHours(1), TimeSpan.FromMinutes(20));
        foreach (var e in chain)
        {
            if (e == chain[index])
            {
                verifier.AddUnreadable(e.Sequence, e.EntryId, hashReadable ? e.Hash : null, "property 'Postings': Edm.Int32 found, Edm.String expected", T0.AddMinutes(50));
            }
            else
            {
                verifier.Add(e, T0.AddMinutes(50));
            }
        }

        return verifier.Complete(chain[^1].Sequence, chain[^1].Hash);
    }

    [Fact]
    public void AddUnreadable_RowWithReadableHashInAnchoredRange_ReportsOnlyTheRowAndGoesOn()
    {
        var chain = Chain(4);
        var a = Anchor(chain[..3], AnchorMemo.NoPreviousRoot, 1);
        var b = Anchor(chain[3..], a.Content.RootHex, 2);

        var problem = Assert.Single(RunWithUnreadable(chain, 1, hashReadable: true, [a, b]));

        Assert.Equal((LedgerProblemKind.EntryUnreadable, 2L, chain[1].EntryId), (problem.Kind, problem.Sequence, problem.EntryId));
        Assert.Contains("'Postings'", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddUnreadable_RowWithoutReadableHash_AnchorCannotBeRecomputedNextLinkNotBlamed()
    {
        var chain = Chain(4);
        var a = Anchor(chain[..3], AnchorMemo.NoPreviousRoot, 1);

        var problems = RunWithUnreadable(chain, 1, hashReadable: false, [a]);

        Assert.Equal(new[] { LedgerProblemKind.EntryUnreadable, LedgerProblemKind.AnchorRootMismatch }.Order(), problems.Select(p => p.Kind).Order());
        Assert.Contains("cannot be read", problems.Single(p => p.Kind == LedgerProblemKind.AnchorRootMismatch).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddUnreadable_LastRowWithoutReadableHash_HeadComparedBySequenceOnly()
    {
        var chain = Chain(3);

        var problem = Assert.Single(RunWithUnreadable(chain, 2, hashReadable: false, []));

        Assert.Equal(LedgerProblemKind.EntryUnreadable, problem.Kind);
    }

    [Fact]
    public void AddUnreadable_RowAfterAGap_ReportsTheGapToo()
    {
        var chain = Chain(3);
        var verifier = new LedgerStreamVerifier(LedgerEntries.MainBook, [], T0.AddHours(1), TimeSpan.FromMinutes(20));
        verifier.Add(chain[0], T0.AddMinutes(50));
        verifier.AddUnreadable(3, null, chain[2].Hash, "property 'Hash': Edm.Int64 found, Edm.String expected", T0.AddMinutes(50));

        var problems = verifier.Complete(3, chain[2].Hash);

        Assert.Equal(new[] { (LedgerProblemKind.SequenceGap, 3L), (LedgerProblemKind.EntryUnreadable, 3L) }.Order(), problems.Select(p => (p.Kind, p.Sequence)).Order());
        Assert.Equal(2, verifier.Entries);
    }

    [Fact]
    public void Complete_EntryClaimsTheLargestSequence_ReportedAndTheEntriesAfterItStillChecked()
    {
        var chain = Chain(3);
        var a = Anchor(chain, AnchorMemo.NoPreviousRoot, 1);
        chain[1] = With(chain[1], sequence: long.MaxValue);

        var problems = Run(chain, [a], T0, 3, chain[^1].Hash); // before: OverflowException

        Assert.Contains(problems, p => p.Kind == LedgerProblemKind.HashMismatch && p.Sequence == long.MaxValue);
        Assert.Contains(problems, p => p.Kind == LedgerProblemKind.AnchorIncomplete);
        Assert.Contains(problems, p => p.Kind == LedgerProblemKind.InvalidEntry && p.Sequence == 3);
    }

    [Fact]
    public void Complete_UnreadableRowClaimsTheLargestSequence_TheEntryAfterItIsStillChecked()
    {
        var chain = Chain(3);
        var verifier = new LedgerStreamVerifier(LedgerEntries.MainBook, [], T0.AddHours(1), TimeSpan.FromMinutes(20));
        verifier.Add(chain[0], T0);
        verifier.AddUnreadable(long.MaxValue, chain[1].EntryId, chain[1].Hash, "planted", T0);
        verifier.Add(chain[2], T0); // before: ArgumentOutOfRangeException (the next sequence wrapped below 1)

        var problems = verifier.Complete();

        Assert.Contains(problems, p => p.Kind == LedgerProblemKind.EntryUnreadable && p.Sequence == long.MaxValue);
        Assert.Contains(problems, p => p.Kind == LedgerProblemKind.InvalidEntry && p.Sequence == 3);
    }

    [Fact]
    public void Complete_RetiredKeysAnchorsAlsoChecked_TheirProblemsKeptApartAndTheyCoverNothing()
    {
        var original = Chain(3);
        var a = Anchor(original[..2], AnchorMemo.NoPreviousRoot, 1);
        var retired = new AnchorRangeCheck([a, Anchor(original[2..], a.Content.RootHex, 2)]);
        var rewritten = Chain(2); // cut back to 2 entries, entry 2 edited and re-hashed
        rewritten[1] = Rehashed(With(rewritten[1], postings: rewritten[1].Postings.Select(p => p with { Amount = p.Amount * 10 })));
        var verifier = new LedgerStreamVerifier(LedgerEntries.MainBook, [Anchor(rewritten[..1], AnchorMemo.NoPreviousRoot, 3)], T0.AddHours(1), TimeSpan.FromMinutes(20), [retired]);
        foreach (var e in rewritten)
        {
            verifier.Add(e, T0);
        }

        var problems = verifier.Complete(2, rewritten[1].Hash);

        Assert.Equal([(LedgerProblemKind.NotAnchored, 2L)], problems.Select(p => (p.Kind, p.Sequence))); // the retired key's 1-2 covers nothing
        Assert.Equal([(LedgerProblemKind.AnchorRootMismatch, 2L), (LedgerProblemKind.AnchorIncomplete, 3L)], retired.Problems.Select(p => (p.Kind, p.Sequence)));
        Assert.Equal(2, retired.Count);
    }

    [Fact]
    public void Add_WellLinkedEntryOfAnotherBook_ReportsWrongBook()
    {
        var chain = Chain(3);
        chain[1] = LedgerEntry.Seal("other", 2, chain[0].Hash, Payment(2)); // planted among main's rows, hash and link right
        chain[2] = LedgerEntry.Seal("main", 3, chain[1].Hash, Payment(3));

        var problems = Run(chain, [], T0.AddMinutes(50), 3, chain[2].Hash); // before: no problem at all

        var problem = Assert.Single(problems);
        Assert.Equal((LedgerProblemKind.WrongBook, 2L), (problem.Kind, problem.Sequence));
    }
}
