namespace Billing.Application.Burns;

/// <summary>
/// Whether the book records the release that stands on a burn (<see cref="BurnReleaseEvidence"/>): the row's release columns
/// can be written by anyone with storage access, and a release lifts the holds on money that went back before it, so the
/// executor honours one only when its entry in the hash-chained book says the same (who, when, how much, what was kept, why)
/// and it is not dated after now, and the entry carries this deployment's seal (<see cref="LedgerSealKeys"/>, a key storage
/// does not hold): storage access can append a well-formed, chained entry at the book's head, but not seal it. A release on a
/// row written before releases were booked, or booked before entries were sealed (an upgraded deployment), has no sealed entry: the burn is held and finance
/// releases it again, which books it (README, troubleshooting).
/// </summary>
internal static class ReleaseProof
{
    /// <summary>
    /// The entry of the release that stands, or why the burn is held (null for both: nobody released it). An id row of the
    /// book that cannot be read throws <see cref="InvalidDataException"/>.
    /// </summary>
    /// <summary>How an evidence entry without this deployment's seal reads in a reason: <c>is not sealed by this deployment</c>, …</summary>
    public static string NotSealed(LedgerEntry entry) => entry.SealState == EntrySealState.Invalid
        ? "carries a seal no key of this deployment verifies (forged, or changed since)"
        : "is not sealed by this deployment";

    public static async Task<(BurnReleaseEvidence? Evidence, string? Why)> CheckAsync(ILedgerRecorder ledger, BurnIntent intent, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (intent.Release is not { } release)
        {
            return (null, null);
        }

        int ordinal = intent.Releases.Count;
        string entryId = BurnReleaseEvidence.Id(intent.Id, ordinal);
        string what = string.Create(CultureInfo.InvariantCulture, $"release {ordinal} of {intent.Id} ({BurnReleaseEvidence.Describe(release)})");
        const string Planted = "a burn row written outside the platform?";
        const string Next = $"nothing is signed on a release the book does not record: finance releases it again (ledger reconcile reports {ReleaseFindings.WithoutEntry})";
        if (release.At > now)
        {
            return (null, $"held: {what} is dated after now ({now.UtcDateTime:O}; {Planted}); {Next}");
        }

        if (await ledger.EntryAsync(entryId, cancellationToken).ConfigureAwait(false) is not { } entry)
        {
            return (null, $"held: {what} has no ledger entry {entryId} ({Planted} or one released before releases were booked); {Next}");
        }

        if (!entry.IsSealed)
        {
            return (null, $"held: {what}: its ledger entry {entryId} {NotSealed(entry)} ({Planted} or one released before entries were sealed); {Next}");
        }

        return BurnReleaseEvidence.From(entry) is { } evidence && evidence.BurnId == intent.Id && evidence.InvoiceId == intent.InvoiceId && evidence.Records(release)
            ? (evidence, null)
            : (null, $"held: {what} is not what its ledger entry {entryId} records ({Planted}); {Next}");
    }
}
