namespace Billing.Application.Ledger;

/// <summary>
/// Finance acknowledges a reconcile finding it settled outside the platform (a credit note after the burn, a refund outside
/// any credit note, money recorded unapplied): an evidence entry in the book (<see cref="ReconcileAcknowledgement"/>), after
/// which reconcile lists the finding apart and <c>ok</c> no longer counts it, until its detail changes. Nothing else changes:
/// no money is booked, applied or burned by it.
/// </summary>
public sealed class ReconcileAcknowledger(LedgerAudit audit, LedgerStore ledger, TimeProvider time)
{
    /// <param name="kind">The finding's kind, as reconcile reports it.</param>
    /// <param name="subject">The finding's subject, as reconcile reports it.</param>
    /// <param name="note">Why (required, at most <see cref="ReconcileAcknowledgement.MaxNoteChars"/>).</param>
    /// <param name="by">Who acknowledges it (the caller's partner id).</param>
    /// <param name="cancellationToken">Cancels the reads and the booking.</param>
    /// <exception cref="InvalidDataException">The entry's index row in the book was changed outside the platform.</exception>
    public async Task<AcknowledgeResult> AcknowledgeAsync(string kind, string subject, string note, string by, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(note.Length, ReconcileAcknowledgement.MaxNoteChars, nameof(note));
        if (!ReconcileAcknowledgement.CanAcknowledge(kind))
        {
            return new(AcknowledgeOutcome.NotAcknowledgeable, [],
                $"a {kind} finding is not acknowledged: it is settled by repairing the row it names or by the platform's own retries, not outside the platform");
        }

        var report = await audit.ReconcileAsync(cancellationToken).ConfigureAwait(false);
        var open = report.Mismatches.Where(m => Names(m, kind, subject)).ToList();
        var earlier = report.Acknowledged.Where(a => Names(a.Finding, kind, subject)).ToList();
        if (open.Count == 0)
        {
            return earlier.Count > 0
                ? new(AcknowledgeOutcome.AlreadyAcknowledged, earlier, $"{kind} about '{subject}' was acknowledged before, for the detail it has now")
                : new(AcknowledgeOutcome.NotFound, [], $"reconcile reports no {kind} finding about '{subject}' now (GET /api/v1/ledger/reconcile lists the findings, kind and subject as they are)");
        }

        var now = time.GetUtcNow();
        var made = new List<AcknowledgedProblem>(open.Count);
        foreach (var finding in open)
        {
            var acknowledgement = new ReconcileAcknowledgement(kind, subject, ReconcileAcknowledgement.DigestOf(finding.Detail), note, by, now);
            // Idempotent by the entry id: a retried or concurrent request finds the first booking and keeps its note.
            var entry = await ledger.AppendAsync(LedgerEntries.MainBook, acknowledgement.ToDraft(), cancellationToken).ConfigureAwait(false);
            made.Add(new(finding, ReconcileAcknowledgement.From(entry) ?? acknowledgement));
        }

        return new(AcknowledgeOutcome.Acknowledged, [.. made, .. earlier], $"{kind} about '{subject}' acknowledged by {by}");
    }

    private static bool Names(AuditProblem finding, string kind, string subject) =>
        string.Equals(finding.Kind, kind, StringComparison.Ordinal) && string.Equals(finding.Subject, subject, StringComparison.Ordinal);
}
