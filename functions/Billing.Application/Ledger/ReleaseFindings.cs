namespace Billing.Application.Ledger;

/// <summary>
/// Each release on a burn row compared with its entry in the book (<see cref="BurnReleaseEvidence"/>, docs/design.md §4.18):
/// <list type="bullet">
/// <item><c>ReleaseWithoutEntry</c> (subject: the burn): a release the book does not record as the row has it (no entry under
/// its ordinal, or one recording another release), so the executor does not honour it. Reported for the release that stands
/// unless the burn ended (finalized, failed or skipped: released before releases were booked), and for every release after
/// the first one the book records; the releases before that one are from before releases were booked.</item>
/// <item><c>ReleaseEntryWithoutRelease</c> (subject: the entry): an entry whose burn row does not carry that release (a release
/// cut off between its booking and its row, which the burn's next release completes; or a row rewritten since). Not reported
/// once the burn ended (finalized, failed or skipped): it is never released again, and an entry alone lifts no hold.</item>
/// </list>
/// Neither is acknowledgeable: while the burn can still be released, the next release mends both (it books the release and
/// writes the row, completing any booked release first); otherwise the row was rewritten outside the platform.
/// </summary>
internal static class ReleaseFindings
{
    public const string WithoutEntry = "ReleaseWithoutEntry";
    public const string EntryWithoutRelease = "ReleaseEntryWithoutRelease";

    /// <param name="burns">The readable burn rows.</param>
    /// <param name="unreadableBurns">The ids of rows that cannot be read (reported as such; their entries are not compared).</param>
    /// <param name="entries">The linked book's readable entries, by id.</param>
    public static IEnumerable<AuditProblem> For(IEnumerable<BurnIntent> burns, IReadOnlySet<string> unreadableBurns, IReadOnlyDictionary<string, LedgerEntry> entries)
    {
        var byId = new Dictionary<string, BurnIntent>(StringComparer.Ordinal);
        foreach (var burn in burns)
        {
            byId.TryAdd(burn.Id, burn);
            bool booking = false; // from the first release the book records on, every release has its entry
            for (int i = 0; i < burn.Releases.Count; i++)
            {
                var release = burn.Releases[i];
                string entryId = BurnReleaseEvidence.Id(burn.Id, i + 1);
                string what = string.Create(CultureInfo.InvariantCulture, $"release {i + 1} ({BurnReleaseEvidence.Describe(release)})");
                if (entries.GetValueOrDefault(entryId) is not { } entry)
                {
                    bool standing = i == burn.Releases.Count - 1 && !burn.IsTerminal;
                    if (booking || standing)
                    {
                        yield return new(WithoutEntry, burn.Id, $"{what} has no ledger entry {entryId}: a row written outside the platform, or a release made before releases were booked; the executor does not honour it, finance releases the burn again");
                    }

                    continue;
                }

                booking = true;
                if (BurnReleaseEvidence.From(entry) is not { } evidence || evidence.BurnId != burn.Id || evidence.InvoiceId != burn.InvoiceId)
                {
                    yield return new(WithoutEntry, burn.Id, $"{what}: ledger entry {entryId} does not read as a release of this burn (run ledger verify); the executor does not honour it");
                }
                else if (!evidence.Records(release))
                {
                    yield return new(WithoutEntry, burn.Id, $"{what} is not what ledger entry {entryId} records ({BurnReleaseEvidence.Describe(evidence.Release)}): the row was written outside the platform; the executor does not honour it");
                }
            }
        }

        foreach (var entry in entries.Values.Where(e => e.Kind == LedgerEntryKind.BurnReleased).OrderBy(e => e.Sequence))
        {
            if (BurnReleaseEvidence.From(entry) is not { } evidence)
            {
                yield return new(EntryWithoutRelease, entry.EntryId, "a BurnReleased entry that does not read as a release under its id (changed since it was booked, or booked outside the platform; run ledger verify)");
                continue;
            }

            if (unreadableBurns.Contains(evidence.BurnId))
            {
                continue; // reported as BurnUnreadable
            }

            string what = string.Create(CultureInfo.InvariantCulture, $"books release {evidence.Ordinal} of {evidence.BurnId} ({BurnReleaseEvidence.Describe(evidence.Release)})");
            if (!byId.TryGetValue(evidence.BurnId, out var burn))
            {
                yield return new(EntryWithoutRelease, entry.EntryId, $"{what}, but no such burn exists");
            }
            else if (burn.Releases.Count < evidence.Ordinal && !burn.IsTerminal)
            {
                yield return new(EntryWithoutRelease, entry.EntryId, string.Create(CultureInfo.InvariantCulture,
                    $"{what}, but the burn carries {burn.Releases.Count} releases: a release cut off between its booking and its row (releasing the burn again, for any amount, completes it), or a row rewritten since"));
            }
        }
    }
}
