namespace Billing.Contracts.Ledger;

/// <summary>
/// <c>GET /api/v1/ledger/verify</c>: the book checked against the anchors on chain. <see cref="Problems"/> has one line per
/// finding (<c>"{kind} {subject}: {detail}"</c>), <see cref="Details"/> the same findings as objects.
/// </summary>
public sealed record LedgerVerifyResponse(
    bool Ok,
    int Entries,
    int Anchors,
    int PendingAnchors,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Authority,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Ledger,
    IReadOnlyList<string> Problems,
    IReadOnlyList<AuditFinding> Details);
