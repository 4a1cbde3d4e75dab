using static Billing.Domain.Tests.Ledger.TestLedger;

namespace Billing.Domain.Tests.Ledger;

public class AnchorChainTests
{
    internal static OnChainAnchor Anchor(IReadOnlyList<LedgerEntry> range, string previousRoot, ulong slot, string? signature = null) =>
        new(new AnchorMemoContent("prod", "main", range[0].Sequence, range[^1].Sequence, MerkleTree.Root(range), previousRoot), signature ?? $"sig{slot}", slot, T0);

    [Fact]
    public void Link_ContiguousLinkedAnchorsInAnyOrder_NoProblems()
    {
        var chain = Chain(5);
        var a = Anchor(chain[..2], AnchorMemo.NoPreviousRoot, 1);
        var b = Anchor(chain[2..], a.Content.RootHex, 2);

        var (linked, problems) = AnchorChain.Link([b, a, a with { Signature = "resent", Slot = 3 }]);

        Assert.Empty(problems);
        Assert.Equal(new[] { a, b }, linked);
    }

    [Fact]
    public void Link_AnchorMissingInTheMiddle_ReportsLinkBroken()
    {
        var chain = Chain(6);
        var a = Anchor(chain[..2], AnchorMemo.NoPreviousRoot, 1);
        var b = Anchor(chain[2..4], a.Content.RootHex, 2);
        var c = Anchor(chain[4..], b.Content.RootHex, 3);

        var (_, problems) = AnchorChain.Link([a, c]);

        var problem = Assert.Single(problems);
        Assert.Equal(LedgerProblemKind.AnchorLinkBroken, problem.Kind);
        Assert.Contains("3-4", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Link_WrongPreviousRoot_ReportsLinkBroken()
    {
        var chain = Chain(4);
        var a = Anchor(chain[..2], AnchorMemo.NoPreviousRoot, 1);
        var b = Anchor(chain[2..], new string('e', 64), 2);

        var (_, problems) = AnchorChain.Link([a, b]);

        Assert.Equal(LedgerProblemKind.AnchorLinkBroken, Assert.Single(problems).Kind);
    }

    [Fact]
    public void Link_TwoDifferentAnchorsForOneRange_ReportsConflict()
    {
        var chain = Chain(4);
        var a = Anchor(chain[..2], AnchorMemo.NoPreviousRoot, 1);
        var forked = Anchor(chain[..3], AnchorMemo.NoPreviousRoot, 2);

        var (linked, problems) = AnchorChain.Link([a, forked]);

        Assert.Single(linked);
        Assert.Equal(LedgerProblemKind.AnchorConflict, Assert.Single(problems).Kind);
    }
}
