namespace Billing.Domain.Ledger;

/// <summary>
/// Binary SHA-256 Merkle tree over entry hashes, in sequence order. Domain-separated so a leaf can never pass for an
/// inner node (second-preimage attacks): leaf = SHA-256(0x00 ‖ entryHash), node = SHA-256(0x01 ‖ left ‖ right), where
/// entryHash is the 32 raw bytes of the entry's hash. Built bottom-up, pairing neighbours left to right; an odd node at
/// the end of a level is <b>promoted</b> unchanged to the next level (never duplicated, so no two leaf lists share a
/// root). The result equals the RFC 6962 (Certificate Transparency) Merkle Tree Hash. One leaf: the root is its leaf hash.
/// Hashes in and out are 64 lower-case hex digits.
/// </summary>
public static class MerkleTree
{
    public static byte[] LeafHash(ReadOnlySpan<byte> entryHash)
    {
        Span<byte> buffer = stackalloc byte[1 + 32];
        if (entryHash.Length != 32)
        {
            throw new ArgumentException("An entry hash is 32 bytes.", nameof(entryHash));
        }

        buffer[0] = 0x00;
        entryHash.CopyTo(buffer[1..]);
        return SHA256.HashData(buffer);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + 32 + 32];
        if (left.Length != 32 || right.Length != 32)
        {
            throw new ArgumentException("A node hash is 32 bytes.");
        }

        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[33..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The root of the entry hashes (at least one), as hex.</summary>
    public static string Root(IReadOnlyList<string> entryHashes)
    {
        List<byte[]> level = Leaves(entryHashes);
        while (level.Count > 1)
        {
            level = NextLevel(level);
        }

        return Convert.ToHexStringLower(level[0]);
    }

    /// <summary>The root over the hashes of <paramref name="entries"/>, which must be in ascending sequence order.</summary>
    public static string Root(IReadOnlyList<LedgerEntry> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        for (int i = 1; i < entries.Count; i++)
        {
            if (entries[i].Sequence <= entries[i - 1].Sequence)
            {
                throw new ArgumentException("Entries must be in ascending sequence order.", nameof(entries));
            }
        }

        return Root([.. entries.Select(e => e.Hash)]);
    }

    /// <summary>The inclusion proof of leaf <paramref name="index"/>: siblings from the leaf level up (promoted levels add no step).</summary>
    public static IReadOnlyList<MerkleProofStep> Proof(IReadOnlyList<string> entryHashes, int index)
    {
        List<byte[]> level = Leaves(entryHashes);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, level.Count);
        var proof = new List<MerkleProofStep>();
        while (level.Count > 1)
        {
            int sibling = index ^ 1;
            if (sibling < level.Count)
            {
                proof.Add(new MerkleProofStep(Convert.ToHexStringLower(level[sibling]), sibling < index));
            }

            level = NextLevel(level);
            index /= 2;
        }

        return proof;
    }

    /// <summary>True when <paramref name="entryHash"/> with <paramref name="proof"/> leads to <paramref name="rootHex"/>. Malformed input gives false.</summary>
    public static bool Verify(string entryHash, IReadOnlyList<MerkleProofStep> proof, string rootHex)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (!LedgerEncoding.IsHash(entryHash) || !LedgerEncoding.IsHash(rootHex))
        {
            return false;
        }

        byte[] node = LeafHash(Convert.FromHexString(entryHash));
        foreach (MerkleProofStep step in proof)
        {
            if (step is null || !LedgerEncoding.IsHash(step.SiblingHex))
            {
                return false;
            }

            byte[] sibling = Convert.FromHexString(step.SiblingHex);
            node = step.IsLeft ? NodeHash(sibling, node) : NodeHash(node, sibling);
        }

        return CryptographicOperations.FixedTimeEquals(node, Convert.FromHexString(rootHex));
    }

    private static List<byte[]> Leaves(IReadOnlyList<string> entryHashes)
    {
        ArgumentNullException.ThrowIfNull(entryHashes);
        if (entryHashes.Count == 0)
        {
            throw new ArgumentException("A Merkle tree needs at least one leaf.", nameof(entryHashes));
        }

        var leaves = new List<byte[]>(entryHashes.Count);
        foreach (string hash in entryHashes)
        {
            if (!LedgerEncoding.IsHash(hash))
            {
                throw new ArgumentException($"'{hash}' is not an entry hash (64 lower-case hex digits).", nameof(entryHashes));
            }

            leaves.Add(LeafHash(Convert.FromHexString(hash)));
        }

        return leaves;
    }

    private static List<byte[]> NextLevel(List<byte[]> level)
    {
        var next = new List<byte[]>((level.Count + 1) / 2);
        for (int i = 0; i + 1 < level.Count; i += 2)
        {
            next.Add(NodeHash(level[i], level[i + 1]));
        }

        if (level.Count % 2 == 1)
        {
            next.Add(level[^1]);
        }

        return next;
    }
}
