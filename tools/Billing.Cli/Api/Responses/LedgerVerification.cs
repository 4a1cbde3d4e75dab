namespace Billing.Cli.Api.Responses;

/// <summary><c>GET /api/v1/ledger/verify</c>. <see cref="Ok"/> is null when the API sent no boolean; problems are text (an object's fields as <c>key=value, …</c>).</summary>
public sealed record LedgerVerification(
    bool? Ok,
    string? Entries,
    string? Anchors,
    decimal? AnchorCount,
    decimal? PendingAnchorCount,
    IReadOnlyList<string> Problems);
