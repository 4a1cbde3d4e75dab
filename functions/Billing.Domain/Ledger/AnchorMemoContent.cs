namespace Billing.Domain.Ledger;

/// <summary>
/// What an anchor memo says: in ledger <see cref="Ledger"/>, book <see cref="Book"/>, entries <see cref="FromSeq"/>..<see cref="ToSeq"/>
/// (inclusive) have Merkle root <see cref="RootHex"/>, and the anchor before them had root <see cref="PreviousRootHex"/>
/// (64 zeros for the first anchor of a book).
/// </summary>
public sealed record AnchorMemoContent(string Ledger, string Book, long FromSeq, long ToSeq, string RootHex, string PreviousRootHex);
