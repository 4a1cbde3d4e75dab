namespace Billing.Application.Ledger;

/// <summary>
/// What an entry of the book says that the entry its records make (<see cref="EntryDrafts"/>) does not: each account's amount
/// per asset, and each metadata value. Time is not compared (a retried booking stamps a later one), nor the book's change-over
/// marker (<see cref="BookFormat.Key"/>, which the ledger adds to whichever entry comes first; likewise <see cref="SealMarker.Key"/>), nor the metadata keys a caller
/// passes over (values no record reconcile reads holds).
/// </summary>
internal static class EntryComparison
{
    /// <summary>The differences, one per account and asset or metadata key, "; "-separated; null when there is none.</summary>
    /// <param name="booked">The entry in the book.</param>
    /// <param name="expected">The entry its records make.</param>
    /// <param name="source">What made <paramref name="expected"/>, as the detail names it (e.g. "the payment record").</param>
    /// <param name="skipKey">Metadata keys not compared.</param>
    public static string? Differences(LedgerEntry booked, LedgerEntryDraft expected, string source, Func<string, bool>? skipKey = null)
    {
        ArgumentNullException.ThrowIfNull(booked);
        ArgumentNullException.ThrowIfNull(expected);
        var differences = new List<string>();
        if (booked.Kind != expected.Kind)
        {
            differences.Add($"kind: the book has {booked.Kind}, {source} makes {expected.Kind}");
        }

        var inBook = Sums(booked.Postings);
        var inRecords = Sums(expected.Postings);
        foreach (var key in inBook.Keys.Union(inRecords.Keys).OrderBy(k => k.Account, StringComparer.Ordinal).ThenBy(k => k.Asset, StringComparer.Ordinal))
        {
            long? book = inBook.TryGetValue(key, out long b) ? b : null;
            long? records = inRecords.TryGetValue(key, out long r) ? r : null;
            if (book != records)
            {
                differences.Add(string.Create(CultureInfo.InvariantCulture,
                    $"posting {key.Account} {key.Asset}: the book has {book?.ToString(CultureInfo.InvariantCulture) ?? "none"}, {source} makes {records?.ToString(CultureInfo.InvariantCulture) ?? "none"}"));
            }
        }

        if (differences.Count == 0 && !LedgerEncoding.SortPostings(booked.Postings).SequenceEqual(LedgerEncoding.SortPostings(expected.Postings)))
        {
            // The same sums split otherwise: no money moved differently, but it is not what was booked.
            differences.Add($"postings: the book has {string.Join(", ", booked.Postings)}, {source} makes {string.Join(", ", expected.Postings)}");
        }

        foreach (string key in booked.Metadata.Keys.Union(expected.Metadata.Keys).Order(StringComparer.Ordinal))
        {
            string? book = booked.Metadata.GetValueOrDefault(key), records = expected.Metadata.GetValueOrDefault(key);
            if (key is not BookFormat.Key and not SealMarker.Key && skipKey?.Invoke(key) != true && !string.Equals(book, records, StringComparison.Ordinal))
            {
                differences.Add($"metadata {key}: the book has {Quoted(book)}, {source} makes {Quoted(records)}");
            }
        }

        return differences.Count == 0 ? null : string.Join("; ", differences);
    }

    private static string Quoted(string? value) => value is null ? "none" : $"'{value}'";

    private static Dictionary<(string Account, string Asset), long> Sums(IEnumerable<Posting> postings)
    {
        var sums = new Dictionary<(string Account, string Asset), long>();
        foreach (var p in postings)
        {
            sums[(p.Account, p.Asset)] = checked(sums.GetValueOrDefault((p.Account, p.Asset)) + p.Amount);
        }

        return sums;
    }
}
