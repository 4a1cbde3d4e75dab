namespace Billing.Storage.Ledger;

/// <summary>The outcome of verifying one book: intact when <see cref="Problems"/> is empty.</summary>
public sealed record LedgerVerification(string Book, int Entries, int Anchors, LedgerHead Head, IReadOnlyList<LedgerProblem> Problems)
{
    public bool Ok => Problems.Count == 0;
}
