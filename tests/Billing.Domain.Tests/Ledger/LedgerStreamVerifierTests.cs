using static Billing.Domain.Tests.Ledger.AnchorChainTests;
using static Billing.Domain.Tests.Ledger.TestLedger;

namespace Billing.Domain.Tests.Ledger;

public class LedgerStreamVerifierTests
{
    private static IReadOnlyList<LedgerProblem> Run(IEnumerable<LedgerEntry> entries, IReadOnlyList<OnChainAnchor> anchors, DateTimeOffset recordedAt, long? head = null, string? headHash = null)
    {
        var verifier = new LedgerStreamVerifier(anchors, T0.AddHours(1), TimeSpan.FromMinutes(20));
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
}
