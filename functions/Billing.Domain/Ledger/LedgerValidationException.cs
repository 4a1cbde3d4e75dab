namespace Billing.Domain.Ledger;

/// <summary>An entry that is not a valid double-entry booking (unbalanced, too few postings, bad names, …).</summary>
public sealed class LedgerValidationException(string entryId, IReadOnlyList<string> problems)
    : ArgumentException($"Ledger entry '{entryId}' is invalid: {string.Join("; ", problems)}")
{
    public string EntryId { get; } = entryId;

    public IReadOnlyList<string> Problems { get; } = problems;
}
