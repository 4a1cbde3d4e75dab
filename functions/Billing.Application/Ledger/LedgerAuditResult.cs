namespace Billing.Application.Ledger;

/// <summary>What verifying the book against the chain found.</summary>
public sealed record LedgerAuditResult(int Entries, int Anchors, int PendingAnchors, IReadOnlyList<AuditProblem> Problems)
{
    public bool Ok => Problems.Count == 0;

    /// <summary>The anchor authority whose memos were read (base58), and the ledger name they carry.</summary>
    public string? Authority { get; init; }

    public string? Ledger { get; init; }

    /// <summary>
    /// The keys that anchored this book before <see cref="Authority"/> (<see cref="LedgerOptions.RetiredAnchorAuthorities"/>,
    /// base58), for a verifier of its own to check the book against too: the current key anchors the book again from entry 1.
    /// </summary>
    public IReadOnlyList<string> RetiredAuthorities { get; init; } = [];

    /// <summary>The stall window verify judged by (<see cref="LedgerOptions.MaxChainSilence"/>), for a verifier of its own to use too.</summary>
    public TimeSpan MaxChainSilence { get; init; }

    /// <summary>
    /// The entries without a seal before the book's first sealed entry (<see cref="SealFacts.BeforeSeals"/>), in one line: written
    /// before entries were sealed, not a finding; null when there are none.
    /// </summary>
    public string? WrittenBeforeSeals { get; init; }
}
