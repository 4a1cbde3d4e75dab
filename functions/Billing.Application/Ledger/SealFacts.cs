namespace Billing.Application.Ledger;

/// <summary>
/// What verify read of the book's seals (<see cref="LedgerSealKeys"/>): a seal no configured key verifies is
/// <see cref="Invalid"/> (forged with another key, made with a key since removed from <c>RetiredSealKeys</c>, or the row
/// changed since); an entry without a seal at or after the book's first sealed entry (pinned by <see cref="SealMarker"/>, in
/// the hash-chained metadata, so stripping seals cannot move it) is <see cref="Unsealed"/>: appended by someone with table
/// access, its seal stripped, or appended by an instance of before seals during a rolling upgrade. Entries without a seal
/// before it were written before seals: one summary (<see cref="BeforeSeals"/>), not a finding each.
/// </summary>
internal sealed class SealFacts
{
    public const string Invalid = "EntrySealInvalid";

    public const string Unsealed = "EntryUnsealed";

    public const string HeadSealedSinceUnmarked = "HeadSealedSinceUnmarked";

    private readonly List<LedgerEntry> invalid = [];
    private readonly List<LedgerEntry> unsealed = [];

    private readonly HashSet<long> marked = [];
    private long? firstMarked;
    private long? firstSealed;

    /// <summary>
    /// Where the book's sealed entries begin: the earlier of its first entry carrying <see cref="SealMarker"/> and its first
    /// entry whose seal verifies (a book whose marker was never written, its head's SealedSince forged, is still sealed
    /// from there); null when neither exists yet.
    /// </summary>
    public long? SealedFrom => firstMarked is { } m && firstSealed is { } s ? Math.Min(m, s) : firstMarked ?? firstSealed;

    public void Add(LedgerEntry entry)
    {
        if (SealMarker.Marks(entry))
        {
            marked.Add(entry.Sequence);
            firstMarked = firstMarked is { } m ? Math.Min(m, entry.Sequence) : entry.Sequence;
        }

        if (entry.IsSealed)
        {
            firstSealed = firstSealed is { } s ? Math.Min(s, entry.Sequence) : entry.Sequence;
        }

        if (entry.SealState == EntrySealState.Invalid)
        {
            invalid.Add(entry);
        }
        else if (entry.SealState == EntrySealState.Unsealed)
        {
            unsealed.Add(entry);
        }
    }

    /// <summary>
    /// The head's <c>SealedSince</c> when it names no entry carrying <see cref="SealMarker"/> (written outside the platform:
    /// the store does not go by it, and the next append marks its entry again); null when it names one or is absent.
    /// </summary>
    public AuditProblem? HeadProblem(long? sealedSince) => sealedSince is not { } since || marked.Contains(since) ? null
        : new(HeadSealedSinceUnmarked, "head", string.Create(CultureInfo.InvariantCulture,
            $"the head's SealedSince names #{since}, which is no entry carrying the {SealMarker.Key} marker: written outside the platform (someone with write access to the table); nothing goes by it (the next append marks its entry again, and verify takes the book as sealed from #{(SealedFrom is { } from ? from.ToString(CultureInfo.InvariantCulture) : "none yet")})"));

    /// <summary>The findings: each invalid seal, each unsealed entry from the book's first sealed entry on.</summary>
    public IEnumerable<AuditProblem> Problems()
    {
        foreach (var e in invalid)
        {
            yield return new(Invalid, e.EntryId, string.Create(CultureInfo.InvariantCulture,
                $"{e.Kind} #{e.Sequence} carries a seal (key {LedgerSealKeys.KeyIdIn(e.StoredSeal) ?? "none named"}) that no key of this deployment verifies: forged, sealed with a key since removed from Billing:Ledger:RetiredSealKeys, or the row changed since; it is evidence of nothing (a release, backfill claim or acknowledgement in it is not honoured)"));
        }

        foreach (var e in unsealed.Where(e => e.Sequence >= SealedFrom))
        {
            yield return new(Unsealed, e.EntryId, string.Create(CultureInfo.InvariantCulture,
                $"{e.Kind} #{e.Sequence} carries no seal, though the book's entries are sealed from #{SealedFrom} on: appended outside the platform (someone with write access to the table), its seal removed, or appended by an instance of before seals during an upgrade; it is evidence of nothing (a release, backfill claim or acknowledgement in it is not honoured)"));
        }
    }

    /// <summary>The unsealed entries before the book's first sealed one, in one line; null when there are none.</summary>
    public string? BeforeSeals()
    {
        var before = unsealed.Where(e => SealedFrom is not { } from || e.Sequence < from).ToList();
        return before.Count == 0 ? null : string.Create(CultureInfo.InvariantCulture,
            $"{before.Count} {(before.Count == 1 ? "entry" : "entries")} (#{before[0].Sequence} to #{before[^1].Sequence}) carry no seal and come before the book's first sealed entry{(SealedFrom is { } at ? $" (#{at})" : " (none yet)")}: written before entries were sealed; evidence among them (releases, backfill claims, acknowledgements) is not honoured");
    }
}
