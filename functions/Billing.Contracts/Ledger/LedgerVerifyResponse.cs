namespace Billing.Contracts.Ledger;

/// <summary>
/// <c>GET /api/v1/ledger/verify</c>: the book checked against the anchors on chain. <see cref="Problems"/> has one line per
/// finding (<c>"{kind} {subject}: {detail}"</c>), <see cref="Details"/> the same findings as objects.
/// <see cref="MaxChainSilenceSeconds"/> is the stall window verify used (heartbeat interval + anchoring interval + grace,
/// whole seconds, rounded up): older than that, the newest anchor or heartbeat on chain is <c>AnchoringStalled</c>; the
/// CLI's own verifier is told it with <c>--max-silence-minutes</c>, since it cannot read the deployment's settings.
/// <see cref="RetiredAuthorities"/>: the keys that anchored the book before <see cref="Authority"/> (the deployment's
/// <c>Billing__Ledger__RetiredAnchorAuthorities</c>, none: empty), for the CLI's <c>--retired-authority</c>; null from a
/// platform that does not say. <see cref="WrittenBeforeSeals"/> (2026-12, additive): the entries without a seal before the
/// book's first sealed entry, in one line (written before entries were sealed: not a finding); null when there are none.
/// </summary>
public sealed record LedgerVerifyResponse(
    bool Ok,
    int Entries,
    int Anchors,
    int PendingAnchors,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Authority,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Ledger,
    int MaxChainSilenceSeconds,
    IReadOnlyList<string> Problems,
    IReadOnlyList<AuditFinding> Details,
    IReadOnlyList<string>? RetiredAuthorities = null,
    string? WrittenBeforeSeals = null);
