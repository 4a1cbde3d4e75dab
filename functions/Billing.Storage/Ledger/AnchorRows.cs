namespace Billing.Storage.Ledger;

/// <summary>A book's anchor rows that can be read, by ascending range end, and those that cannot (<see cref="UnreadableLedgerRow"/>).</summary>
public sealed record AnchorRows(IReadOnlyList<LedgerAnchor> Anchors, IReadOnlyList<UnreadableLedgerRow> Unreadable);
