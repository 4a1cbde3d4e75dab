namespace Billing.Domain.Tests.Ledger;

public class MerkleTreeTests
{
    private static List<string> Leaves(int n) =>
        [.. Enumerable.Range(0, n).Select(i => Convert.ToHexStringLower(SHA256.HashData([(byte)i, 0x42])))];

    private static byte[] H(params byte[][] parts) => SHA256.HashData(parts.SelectMany(p => p).ToArray());

    /// <summary>RFC 6962 §2.1 Merkle Tree Hash, written recursively (split at the largest power of two below n).</summary>
    private static byte[] Reference(List<byte[]> data)
    {
        if (data.Count == 1)
        {
            return H([0x00], data[0]);
        }

        int k = 1;
        while (k * 2 < data.Count)
        {
            k *= 2;
        }

        return H([0x01], Reference(data[..k]), Reference(data[k..]));
    }

    [Fact]
    public void Root_ThreeLeaves_EqualsHandComputedTree()
    {
        var leaves = Leaves(3);
        byte[] a = H([0x00], Convert.FromHexString(leaves[0]));
        byte[] b = H([0x00], Convert.FromHexString(leaves[1]));
        byte[] c = H([0x00], Convert.FromHexString(leaves[2]));

        // c has no sibling: promoted, not paired with a copy of itself.
        Assert.Equal(Convert.ToHexStringLower(H([0x01], H([0x01], a, b), c)), MerkleTree.Root(leaves));
        Assert.NotEqual(MerkleTree.Root([.. leaves, leaves[2]]), MerkleTree.Root(leaves));
    }

    [Fact]
    public void Root_OneLeaf_IsTheLeafHash()
    {
        var leaves = Leaves(1);
        Assert.Equal(Convert.ToHexStringLower(H([0x00], Convert.FromHexString(leaves[0]))), MerkleTree.Root(leaves));
        Assert.Throws<ArgumentException>(() => MerkleTree.Root(new List<string>()));
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Root_OneToTwentyLeaves_EqualsRfc6962Reference(int n)
    {
        var leaves = Leaves(n);

        Assert.Equal(Convert.ToHexStringLower(Reference([.. leaves.Select(Convert.FromHexString)])), MerkleTree.Root(leaves));
    }

    public static TheoryData<int> Sizes() => [.. Enumerable.Range(1, 20)];

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Proof_EveryLeaf_VerifiesAndOtherLeavesDoNot(int n)
    {
        var leaves = Leaves(n);
        string root = MerkleTree.Root(leaves);
        for (int i = 0; i < n; i++)
        {
            var proof = MerkleTree.Proof(leaves, i);

            Assert.True(MerkleTree.Verify(leaves[i], proof, root), $"leaf {i} of {n}");
            Assert.False(MerkleTree.Verify(leaves[(i + 1) % n], proof, root) && n > 1, $"wrong leaf {i} of {n}");
            Assert.False(MerkleTree.Verify(Convert.ToHexStringLower(SHA256.HashData([0xFF])), proof, root));
        }
    }

    [Fact]
    public void Verify_TamperedProof_Fails()
    {
        var leaves = Leaves(11);
        string root = MerkleTree.Root(leaves);
        var proof = MerkleTree.Proof(leaves, 6);
        Assert.True(MerkleTree.Verify(leaves[6], proof, root));

        var flipped = proof.Select((s, i) => i == 1 ? s with { IsLeft = !s.IsLeft } : s).ToList();
        var wrongSibling = proof.Select((s, i) => i == 0 ? s with { SiblingHex = leaves[0] } : s).ToList();

        Assert.False(MerkleTree.Verify(leaves[6], flipped, root));
        Assert.False(MerkleTree.Verify(leaves[6], wrongSibling, root));
        Assert.False(MerkleTree.Verify(leaves[6], proof.Take(proof.Count - 1).ToList(), root));
        Assert.False(MerkleTree.Verify(leaves[6], proof, MerkleTree.Root(Leaves(12))));
        Assert.False(MerkleTree.Verify("not-hex", proof, root));
    }

    [Fact]
    public void Verify_InnerNodePresentedAsLeaf_Fails()
    {
        // Domain separation: the hash of an inner node is not accepted as an entry hash with a shorter proof.
        var leaves = Leaves(4);
        string root = MerkleTree.Root(leaves);
        byte[] l0 = MerkleTree.LeafHash(Convert.FromHexString(leaves[0])), l1 = MerkleTree.LeafHash(Convert.FromHexString(leaves[1]));
        string inner = Convert.ToHexStringLower(MerkleTree.NodeHash(l0, l1));
        var upper = MerkleTree.Proof(leaves, 0).Skip(1).ToList();

        Assert.False(MerkleTree.Verify(inner, upper, root));
    }
}
