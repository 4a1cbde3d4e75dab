using static Billing.Domain.Tests.Ledger.TestLedger;

namespace Billing.Domain.Tests.Ledger;

public class HashChainTests
{
    [Fact]
    public void Verify_IntactChain_NoProblems()
    {
        Assert.Empty(HashChain.Verify(Chain(10)));
        Assert.Empty(HashChain.Verify([]));
    }

    [Fact]
    public void Verify_ChangedAmount_HashMismatchAtThatEntry()
    {
        var chain = Chain(5);
        LedgerEntry e = chain[2];
        chain[2] = With(e, postings: e.Postings.Select(p => p with { Amount = p.Amount * 10 }));

        LedgerProblem problem = SingleProblem(chain, LedgerProblemKind.HashMismatch, 3);

        Assert.Equal(e.EntryId, problem.EntryId);
        Assert.Contains(e.Hash, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ChangedAmountAndRehashed_PreviousHashMismatchAtNextEntry()
    {
        var chain = Chain(5);
        chain[2] = Rehashed(With(chain[2], postings: chain[2].Postings.Select(p => p with { Amount = p.Amount * 10 })));

        LedgerProblem problem = SingleProblem(chain, LedgerProblemKind.PreviousHashMismatch, 4);

        Assert.Equal(chain[3].EntryId, problem.EntryId);
        Assert.Contains("sequence 3", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_OneLegChanged_UnbalancedAndHashMismatch()
    {
        var chain = Chain(3);
        chain[1] = With(chain[1], postings: [chain[1].Postings[0] with { Amount = chain[1].Postings[0].Amount + 1 }, chain[1].Postings[1]]);

        var problems = HashChain.Verify(chain);

        Assert.Equal([LedgerProblemKind.HashMismatch, LedgerProblemKind.Unbalanced], problems.Select(p => p.Kind).Order());
        Assert.All(problems, p => Assert.Equal((2L, chain[1].EntryId), (p.Sequence, p.EntryId)));
        Assert.Contains("USD do not balance", problems.Single(p => p.Kind == LedgerProblemKind.Unbalanced).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RemovedEntry_SequenceGapNamingTheMissingSequence()
    {
        var chain = Chain(5);
        chain.RemoveAt(2);

        LedgerProblem problem = SingleProblem(chain, LedgerProblemKind.SequenceGap, 4);

        Assert.Equal("sequence 3 missing before sequence 4", problem.Message);
    }

    [Fact]
    public void Verify_FirstEntriesRemoved_GapFromOne()
    {
        var chain = Chain(5).Skip(2).ToList();

        LedgerProblem problem = Assert.Single(HashChain.Verify(chain));

        Assert.Equal(LedgerProblemKind.SequenceGap, problem.Kind);
        Assert.Equal("sequence 1..2 missing before sequence 3", problem.Message);
        Assert.Empty(HashChain.Verify(chain, firstSequence: 3, previousHash: Chain(5)[1].Hash));
    }

    [Fact]
    public void Verify_ReorderedPair_OneOutOfOrderProblem()
    {
        var chain = Chain(5);
        (chain[1], chain[2]) = (chain[2], chain[1]);

        LedgerProblem problem = SingleProblem(chain, LedgerProblemKind.OutOfOrder, 2);

        Assert.Equal("sequence 2 comes after sequence 3 ('payment:evt_3')", problem.Message);
    }

    [Fact]
    public void Verify_SwappedSequenceNumbers_HashAndLinkProblems()
    {
        // Rows keep their place but exchange sequence numbers: the hashes cover the sequence, so both entries fail.
        var chain = Chain(4);
        LedgerEntry second = chain[1], third = chain[2];
        chain[1] = With(third, sequence: 2);
        chain[2] = With(second, sequence: 3);

        var problems = HashChain.Verify(chain);

        Assert.Contains(problems, p => p is { Kind: LedgerProblemKind.HashMismatch, Sequence: 2 } && p.EntryId == third.EntryId);
        Assert.Contains(problems, p => p is { Kind: LedgerProblemKind.HashMismatch, Sequence: 3 } && p.EntryId == second.EntryId);
        Assert.Contains(problems, p => p is { Kind: LedgerProblemKind.PreviousHashMismatch });
    }

    [Fact]
    public void Verify_WrongPreviousHash_PreviousHashMismatch()
    {
        var chain = Chain(4);
        chain[3] = LedgerEntry.Seal("main", 4, new string('e', 64), Payment(4)); // correctly hashed, wrongly linked

        LedgerProblem problem = SingleProblem(chain, LedgerProblemKind.PreviousHashMismatch, 4);

        Assert.Equal("payment:evt_4", problem.EntryId);
        Assert.Contains(chain[2].Hash, problem.Message, StringComparison.Ordinal);
        Assert.Contains("sequence 3 ('payment:evt_3')", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_FirstEntryNotOnGenesis_PreviousHashMismatch()
    {
        var chain = Chain(2);
        chain[0] = Rehashed(With(chain[0], previousHash: new string('1', 64)));
        chain[1] = Rehashed(With(chain[1], previousHash: chain[0].Hash));

        SingleProblem(chain, LedgerProblemKind.PreviousHashMismatch, 1);
    }

    [Fact]
    public void Verify_DuplicatedEntry_DuplicateSequenceAndId()
    {
        var chain = Chain(3);
        chain.Insert(2, chain[1]);

        var problems = HashChain.Verify(chain);

        Assert.Equal([LedgerProblemKind.DuplicateSequence, LedgerProblemKind.DuplicateEntryId], problems.Select(p => p.Kind).Order());
        Assert.All(problems, p => Assert.Equal(2, p.Sequence));
    }

    [Fact]
    public void Verify_EntryOfAnotherBook_WrongBook()
    {
        var chain = Chain(2);
        chain.Add(LedgerEntry.Seal("other", 3, chain[1].Hash, Payment(3)));

        SingleProblem(chain, LedgerProblemKind.WrongBook, 3);
    }

    /// <summary>Verifies <paramref name="chain"/>: exactly one problem, of <paramref name="kind"/> at <paramref name="sequence"/>.</summary>
    private static LedgerProblem SingleProblem(IReadOnlyList<LedgerEntry> chain, LedgerProblemKind kind, long sequence)
    {
        LedgerProblem problem = Assert.Single(HashChain.Verify(chain));
        Assert.Equal((kind, sequence), (problem.Kind, problem.Sequence));
        return problem;
    }
}
