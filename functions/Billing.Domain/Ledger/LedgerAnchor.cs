namespace Billing.Domain.Ledger;

/// <summary>
/// A Merkle root of the entries <see cref="FromSeq"/>..<see cref="ToSeq"/> (inclusive) of one book, written to Solana as
/// <see cref="Memo"/>. <see cref="Signature"/> and <see cref="Slot"/> are known once the memo transaction is signed / landed.
/// </summary>
public sealed record LedgerAnchor
{
    public LedgerAnchor(string book, long fromSeq, long toSeq, string rootHex, DateTimeOffset createdAt)
    {
        LedgerValidation.RequireBook(book);
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSeq, 1L);
        ArgumentOutOfRangeException.ThrowIfLessThan(toSeq, fromSeq);
        if (!LedgerEncoding.IsHash(rootHex))
        {
            throw new ArgumentException($"'{rootHex}' is not a root hash (64 lower-case hex digits).", nameof(rootHex));
        }

        Book = book;
        FromSeq = fromSeq;
        ToSeq = toSeq;
        RootHex = rootHex;
        CreatedAt = createdAt.ToUniversalTime();
    }

    public string Book { get; }

    public long FromSeq { get; }

    public long ToSeq { get; }

    public string RootHex { get; }

    public DateTimeOffset CreatedAt { get; }

    /// <summary>Base58 signature of the memo transaction; null before it is signed.</summary>
    public string? Signature { get; init; }

    public ulong? Slot { get; init; }

    public AnchorStatus Status { get; init; } = AnchorStatus.Pending;

    /// <summary>The deployment's ledger name written into the memo (see <see cref="AnchorMemo"/>).</summary>
    public string Ledger { get; init; } = "billing";

    /// <summary>
    /// The anchor authority (base58) that signs the memo: a row is coverage only for the key that signed it. Null on rows
    /// written before the signer was recorded (the chain tells whose they are).
    /// </summary>
    public string? Signer { get; init; }

    /// <summary>Confirmed, with the transaction that carries its memo.</summary>
    public bool IsConfirmedWithSignature => Status == AnchorStatus.Confirmed && Signature is not null;

    /// <summary>Whether <paramref name="key"/> (base58) may have signed it: it records that key, or no signer at all (the chain decides).</summary>
    public bool MayBeSignedBy(string key) => Signer is null || Signer == key;

    /// <summary>The root of the book's anchor before this one; <see cref="AnchorMemo.NoPreviousRoot"/> for the first.</summary>
    public string PreviousRootHex { get; init; } = AnchorMemo.NoPreviousRoot;

    public string Memo => AnchorMemo.Format(Ledger, Book, FromSeq, ToSeq, RootHex, PreviousRootHex);

    public AnchorMemoContent Content => new(Ledger, Book, FromSeq, ToSeq, RootHex, PreviousRootHex);

    /// <summary>An anchor over <paramref name="entries"/> (ascending, contiguous sequences of one book).</summary>
    public static LedgerAnchor Over(IReadOnlyList<LedgerEntry> entries, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Count == 0)
        {
            throw new ArgumentException("An anchor covers at least one entry.", nameof(entries));
        }

        for (int i = 1; i < entries.Count; i++)
        {
            if (entries[i].Sequence != entries[i - 1].Sequence + 1 || entries[i].Book != entries[0].Book)
            {
                throw new ArgumentException("An anchor covers contiguous sequences of one book.", nameof(entries));
            }
        }

        return new LedgerAnchor(entries[0].Book, entries[0].Sequence, entries[^1].Sequence, MerkleTree.Root(entries), createdAt);
    }
}
