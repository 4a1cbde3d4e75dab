namespace Billing.Functions.LedgerEntriesHttp;

/// <summary>What the ledger routes share: who may read what, and an entry or audit as the contract shows it.</summary>
public static class LedgerContract
{
    /// <summary>The 403 detail of every ledger route.</summary>
    public const string Forbidden = "the ledger is for finance (payers may read their own balances and proofs)";

    /// <summary>Balances and proofs: finance, and payers (for their own, which the route checks).</summary>
    public static readonly PartnerRole[] FinanceAndPayers = [PartnerRole.Finance, PartnerRole.Carrier, PartnerRole.Tenant];

    /// <summary>The entry's hashed form (<see cref="LedgerEntryJson"/>, which a test keeps equal to this), plus the write time when given.</summary>
    public static LedgerEntryView ToView(LedgerEntry entry, DateTimeOffset? recordedAt = null)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return new LedgerEntryView(
            entry.Book,
            entry.Sequence,
            entry.EntryId,
            entry.Kind.ToString(),
            entry.OccurredAt.ToString("O", CultureInfo.InvariantCulture),
            entry.OccurredAt.UtcTicks.ToString(CultureInfo.InvariantCulture),
            [.. entry.Postings.Select(p => new LedgerPostingView(p.Account, p.Asset, p.Amount.ToString(CultureInfo.InvariantCulture)))],
            entry.Metadata,
            entry.PreviousHash,
            entry.Hash)
        {
            RecordedAt = recordedAt?.ToString("O", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>An entry row that cannot be read, as the entries page lists it.</summary>
    public static LedgerUnreadableRowView ToView(StoredLedgerRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var bad = row.Unreadable ?? throw new ArgumentException("The row can be read.", nameof(row));
        return new LedgerUnreadableRowView(bad.Row.RowKey, bad.Sequence, bad.EntryId, bad.StoredHash, "Ledger " + bad.Row)
        {
            RecordedAt = row.RecordedAt.ToString("O", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// The 409 of a ledger route whose answer needs a row that cannot be read: finance is told which row and why (to
    /// repair it), a payer only that part of the ledger cannot be read, as other partners' rows are none of its business.
    /// </summary>
    public static JsonHttpResult<ApiProblem> Unreadable(PartnerRole caller, string reason) => ApiProblems.StorageIntegrity(
        StatusCodes.Status409Conflict,
        "Ledger unreadable",
        caller == PartnerRole.Finance
            ? $"{reason}; nothing is answered from a ledger that cannot be read; run ledger verify"
            : "part of the ledger this answer needs cannot be read (it was changed outside this platform); finance has been told where with ledger verify");

    /// <summary>The book checked against the anchors on chain, as <c>GET /api/v1/ledger/verify</c> answers it.</summary>
    public static LedgerVerifyResponse ToResponse(LedgerAuditResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new LedgerVerifyResponse(
            result.Ok, result.Entries, result.Anchors, result.PendingAnchors, result.Authority, result.Ledger,
            checked((int)((result.MaxChainSilence.Ticks + TimeSpan.TicksPerSecond - 1) / TimeSpan.TicksPerSecond)),
            [.. result.Problems.Select(p => p.ToString())],
            [.. result.Problems.Select(ToFinding)],
            result.RetiredAuthorities,
            result.WrittenBeforeSeals);
    }

    /// <summary>Invoices ↔ Stripe payments ↔ burns ↔ ledger entries, as <c>GET /api/v1/ledger/reconcile</c> answers it.</summary>
    public static LedgerReconcileResponse ToResponse(ReconciliationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new LedgerReconcileResponse(
            result.Ok, result.Invoices, result.Payments, result.Burns, result.Entries,
            [.. result.Mismatches.Select(p => ToFinding(p) with
            {
                DetailSha256 = ReconcileAcknowledgement.DigestOf(p.Detail),
                Acknowledgeable = ReconcileAcknowledgement.CanAcknowledge(p.Kind),
            })],
            [.. result.Pending.Select(ToFinding)],
            [.. result.Acknowledged.Select(ToFinding)]);
    }

    private static AuditFinding ToFinding(AuditProblem problem) => new(problem.Kind, problem.Subject, problem.Detail);

    public static AcknowledgedFinding ToFinding(AcknowledgedProblem acknowledged)
    {
        ArgumentNullException.ThrowIfNull(acknowledged);
        var (finding, by) = (acknowledged.Finding, acknowledged.Acknowledgement);
        return new(finding.Kind, finding.Subject, finding.Detail, by.Note, by.By, by.At, by.EntryId);
    }
}
