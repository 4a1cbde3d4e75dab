namespace Billing.Application.Ledger;

/// <summary>Verify's check of the subject index (<see cref="LedgerIndex"/>) against the entries it read.</summary>
public sealed partial class LedgerAudit
{
    /// <summary>
    /// The subject index rows against the entries read (<paramref name="indexed"/>: sequence → the row key its entry should
    /// have). Burn holds trust the index to find the credit notes and refunds booked against an invoice: a removed row
    /// (<c>IndexRowMissing</c>) lets a burn be signed once the credit note or refund rows are removed too, and a row that
    /// names another entry than the one at its sequence (<c>IndexRowMismatch</c>) holds a burn on nothing. Rows past
    /// <paramref name="checkedThrough"/> may be appends made since and are left to the next verification.
    /// </summary>
    private async Task<List<AuditProblem>> SubjectIndexProblemsAsync(string book, Dictionary<long, string> indexed, long checkedThrough, CancellationToken cancellationToken)
    {
        var problems = new List<AuditProblem>();
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (rowKey, entryId, sequence) in await ledger.IndexRowsAsync(book, cancellationToken).ConfigureAwait(false))
        {
            present.Add(rowKey);
            if (sequence is not { } at || at > checkedThrough)
            {
                if (sequence is null || entryId is null)
                {
                    problems.Add(new("IndexRowMismatch", $"index row {rowKey}", "holds no readable EntryId and Sequence"));
                }

                continue;
            }

            if (!indexed.TryGetValue(at, out string? expected) || expected != rowKey)
            {
                problems.Add(new("IndexRowMismatch", $"index row {rowKey}", string.Create(CultureInfo.InvariantCulture,
                    $"points at sequence {at} (entry '{entryId}'), whose entry is not indexed under this key: written outside the platform; a burn may be held on it")));
            }
        }

        foreach (var (sequence, rowKey) in indexed.Where(i => !present.Contains(i.Value)).OrderBy(i => i.Key))
        {
            problems.Add(new("IndexRowMissing", rowKey, string.Create(CultureInfo.InvariantCulture,
                $"the entry at sequence {sequence} has no subject index row, so the burn of its invoice no longer sees it (deleted outside the platform); restore the row {rowKey} with EntryId and Sequence {sequence}")));
        }

        return problems;
    }
}
