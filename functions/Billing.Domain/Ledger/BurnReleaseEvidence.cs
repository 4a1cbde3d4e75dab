using Billing.Domain.Burns;

namespace Billing.Domain.Ledger;

/// <summary>
/// Finance's release of a held burn as evidence in the book (<see cref="LedgerEntryKind.BurnReleased"/>, no postings): the burn
/// row's release columns can be written by anyone with storage access, the hash-chained, anchored book cannot be rewritten
/// unseen, so the executor honours a release only when this entry records it (docs/design.md §4.18). Booked under
/// <c>release:{burnId}:{ordinal}</c> (the release's place on the row, from 1) before the row is written.
/// </summary>
/// <param name="BurnId">The burn released.</param>
/// <param name="InvoiceId">Its invoice.</param>
/// <param name="Ordinal">The release's place among the burn's releases, from 1.</param>
/// <param name="Release">Who released it, when, for how much, what was kept, and why: what the row must carry.</param>
/// <param name="RefundedByCharge">
/// Per charge (<c>ch_…</c>), what was refunded when finance released (the most Stripe or the refund rows said; charges with
/// nothing refunded are left out): a refund beyond it that Stripe reports before signing holds the burn again.
/// </param>
/// <param name="RefundedSeenIn">Where those figures were read (Stripe and the refund rows, or the refund rows only), for the reader.</param>
public sealed record BurnReleaseEvidence(string BurnId, string InvoiceId, int Ordinal, BurnRelease Release, IReadOnlyDictionary<string, long> RefundedByCharge, string RefundedSeenIn)
{
    public const string IdPrefix = "release:";

    /// <summary>The most charges one entry records (metadata holds <see cref="LedgerValidation.MaxMetadataEntries"/> entries, the release takes the rest).</summary>
    public const int MaxCharges = LedgerValidation.MaxMetadataEntries - 10;

    private const string RefundedPrefix = "refundedMinor:";

    /// <summary>The entry id of release <paramref name="ordinal"/> (from 1) of <paramref name="burnId"/>.</summary>
    public static string Id(string burnId, int ordinal) => string.Create(CultureInfo.InvariantCulture, $"{IdPrefix}{burnId}:{ordinal}");

    public string EntryId => Id(BurnId, Ordinal);

    /// <summary>The ledger entry that records it (its time is the release's).</summary>
    /// <exception cref="LedgerValidationException">More charges than <see cref="MaxCharges"/>, or an id or note the metadata cannot hold.</exception>
    public LedgerEntryDraft ToDraft()
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["burnId"] = BurnId,
            ["invoiceId"] = InvoiceId,
            ["ordinal"] = Ordinal.ToString(CultureInfo.InvariantCulture),
            ["releasedBy"] = Release.By,
            ["at"] = Release.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
            ["amountMinor"] = Release.AmountMinor.ToString(CultureInfo.InvariantCulture),
            ["note"] = Release.Note,
            ["refundedSeenIn"] = RefundedSeenIn,
        };
        if (Release.KeptMinor is { } kept)
        {
            metadata["keptMinor"] = kept.ToString(CultureInfo.InvariantCulture);
        }

        if (RefundedByCharge.Count > MaxCharges)
        {
            throw new LedgerValidationException(EntryId, [string.Create(CultureInfo.InvariantCulture, $"a release records the refunds of at most {MaxCharges} charges, this one has {RefundedByCharge.Count}")]);
        }

        foreach (var (charge, refunded) in RefundedByCharge)
        {
            metadata[RefundedPrefix + charge] = refunded.ToString(CultureInfo.InvariantCulture);
        }

        return new(EntryId, LedgerEntryKind.BurnReleased, Release.At, [], metadata);
    }

    /// <summary>Whether the row's <paramref name="release"/> is the one this entry records: who, when, how much, what was kept and why.</summary>
    public bool Records(BurnRelease release)
    {
        ArgumentNullException.ThrowIfNull(release);
        return Release.By == release.By && Release.At == release.At && Release.AmountMinor == release.AmountMinor
            && Release.KeptMinor == release.KeptMinor && Release.Note == release.Note;
    }

    /// <summary>How the release reads in a reason or finding: <c>by finance-ops at 2026-10-01 12:00:00Z for 10000 minor units</c>.</summary>
    public static string Describe(BurnRelease release)
    {
        ArgumentNullException.ThrowIfNull(release);
        return string.Create(CultureInfo.InvariantCulture, $"by {release.By} at {release.At.UtcDateTime:O} for {release.AmountMinor} minor units");
    }

    /// <summary>
    /// The release an entry records; null for any other entry, one whose hash does not match what it holds (changed since it
    /// was booked), one that does not read as a release, or one not under the id its burn and ordinal give.
    /// </summary>
    public static BurnReleaseEvidence? From(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var m = entry.Metadata;
        if (entry.Kind != LedgerEntryKind.BurnReleased || !entry.HashIsValid
            || !m.TryGetValue("burnId", out var burnId) || !m.TryGetValue("invoiceId", out var invoiceId) || !m.TryGetValue("releasedBy", out var by)
            || !m.TryGetValue("note", out var note) || !Int32(m, "ordinal", out int ordinal) || ordinal < 1
            || !Int64(m, "amountMinor", out long amount) || amount < 0
            || !m.TryGetValue("at", out var atText) || !DateTimeOffset.TryParseExact(atText, "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return null;
        }

        long? kept = null;
        if (m.ContainsKey("keptMinor"))
        {
            if (!Int64(m, "keptMinor", out long k) || k < 0)
            {
                return null;
            }

            kept = k;
        }

        var refunded = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (key, value) in m.Where(kv => kv.Key.StartsWith(RefundedPrefix, StringComparison.Ordinal)))
        {
            if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long minor))
            {
                return null;
            }

            refunded[key[RefundedPrefix.Length..]] = minor;
        }

        var evidence = new BurnReleaseEvidence(burnId, invoiceId, ordinal, new BurnRelease(by, at, amount, kept, note), refunded, m.GetValueOrDefault("refundedSeenIn", ""));
        return evidence.EntryId == entry.EntryId && at == entry.OccurredAt ? evidence : null;
    }

    private static bool Int32(IReadOnlyDictionary<string, string> m, string key, out int value)
    {
        value = 0;
        return m.TryGetValue(key, out var text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    private static bool Int64(IReadOnlyDictionary<string, string> m, string key, out long value)
    {
        value = 0;
        return m.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
