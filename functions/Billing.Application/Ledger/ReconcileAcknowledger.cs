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
    /// <param name="detailSha256">
    /// The start (8 to 64 hex digits) of the SHA-256 of the detail the caller saw (reconcile's <c>detailSha256</c>): what is
    /// acknowledged is that detail, never one that changed since (more money moved) and nobody has looked at.
    /// </param>
    /// <param name="note">Why (required, at most <see cref="ReconcileAcknowledgement.MaxNoteChars"/>).</param>
    /// <param name="by">Who acknowledges it (the caller's partner id).</param>
    /// <param name="cancellationToken">Cancels the reads and the booking.</param>
    /// <exception cref="InvalidDataException">The entry under the acknowledgement's id was changed outside the platform.</exception>
    public async Task<AcknowledgeResult> AcknowledgeAsync(string kind, string subject, string detailSha256, string note, string by, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(note);
        ArgumentException.ThrowIfNullOrWhiteSpace(by);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(note.Length, ReconcileAcknowledgement.MaxNoteChars, nameof(note));
        if (!ReconcileAcknowledgement.IsDigestPrefix(detailSha256))
        {
            throw new ArgumentException("the detail's SHA-256 is 8 to 64 lower-case hex digits", nameof(detailSha256));
        }

        if (!ReconcileAcknowledgement.CanAcknowledge(kind))
        {
            return new(AcknowledgeOutcome.NotAcknowledgeable, [],
                $"a {kind} finding is not acknowledged: only money settled outside the platform is (a row that cannot be read is repaired, work the platform finishes is retried, a booking missing or wrong in the book is its fault)");
        }

        var report = await audit.ReconcileAsync(cancellationToken).ConfigureAwait(false);
        bool Seen(string detail) => ReconcileAcknowledgement.DigestOf(detail).StartsWith(detailSha256, StringComparison.Ordinal);
        var open = report.Mismatches.Where(m => Names(m, kind, subject)).ToList();
        var seen = open.Where(m => Seen(m.Detail)).ToList();
        if (seen.Count == 0)
        {
            var earlier = report.Acknowledged.Where(a => Names(a.Finding, kind, subject) && Seen(a.Finding.Detail)).ToList();
            if (earlier.Count > 0)
            {
                return new(AcknowledgeOutcome.AlreadyAcknowledged, earlier, $"{kind} about '{subject}' was acknowledged before, for the detail it has now");
            }

            return open.Count > 0
                ? new(AcknowledgeOutcome.DetailChanged, [],
                    $"{kind} about '{subject}' does not read as it did when its detail's SHA-256 began {detailSha256}: it reads '{open[0].Detail}' (SHA-256 {ReconcileAcknowledgement.DigestOf(open[0].Detail)}) now; look at it again and acknowledge what it says now")
                : new(AcknowledgeOutcome.NotFound, [], $"reconcile reports no {kind} finding about '{subject}' now (GET /api/v1/ledger/reconcile lists the findings, kind and subject as they are)");
        }

        var now = time.GetUtcNow();
        var made = new List<AcknowledgedProblem>(seen.Count);
        bool replay = true;
        foreach (var finding in seen)
        {
            var acknowledgement = new ReconcileAcknowledgement(kind, subject, ReconcileAcknowledgement.DigestOf(finding.Detail), note, by, now);
            // Idempotent by the entry id: a retried or concurrent request finds the first booking and keeps its note.
            var entry = await ledger.AppendAsync(LedgerEntries.MainBook, acknowledgement.ToDraft(), cancellationToken).ConfigureAwait(false);
            var booked = ReconcileAcknowledgement.From(entry)
                ?? throw new InvalidDataException($"ledger entry {entry.EntryId} (sequence {entry.Sequence}) was changed outside the platform: it does not hash to what it holds, so it acknowledges nothing; run ledger verify");
            if (!entry.IsSealed)
            {
                // Its id is taken by an entry this deployment did not seal: it hides nothing, and answering "acknowledged" would say it does.
                throw new InvalidDataException($"ledger entry {entry.EntryId} (sequence {entry.Sequence}) {Burns.ReleaseProof.NotSealed(entry)}: appended outside the platform, or before entries were sealed, so it acknowledges nothing (reconcile: {LedgerAudit.UnsealedAcknowledgement}); run ledger verify");
            }

            replay &= booked != acknowledgement;
            made.Add(new(finding, booked));
        }

        return new(replay ? AcknowledgeOutcome.AlreadyAcknowledged : AcknowledgeOutcome.Acknowledged, made, $"{kind} about '{subject}' acknowledged by {by}");
    }

    private static bool Names(AuditProblem finding, string kind, string subject) =>
        string.Equals(finding.Kind, kind, StringComparison.Ordinal) && string.Equals(finding.Subject, subject, StringComparison.Ordinal);
}
