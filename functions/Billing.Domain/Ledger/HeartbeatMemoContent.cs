namespace Billing.Domain.Ledger;

/// <summary>
/// What a heartbeat memo says: in ledger <see cref="Ledger"/>, book <see cref="Book"/>, the newest anchor the anchoring
/// service confirmed on chain covers entries up to <see cref="ToSeq"/> with root <see cref="RootHex"/> (0 and 64 zeros
/// when the book had no anchor yet).
/// </summary>
public sealed record HeartbeatMemoContent(string Ledger, string Book, long ToSeq, string RootHex);
