namespace Billing.Domain.Ledger;

/// <summary>The rules every entry obeys; used when an entry is drafted and again when a stored chain is verified.</summary>
public static class LedgerValidation
{
    public const int MaxEntryIdLength = 256;
    public const int MaxBookLength = 64;
    public const int MaxPostings = 100;
    public const int MaxMetadataEntries = 32;
    public const int MaxMetadataKeyLength = 64;
    public const int MaxMetadataValueLength = 1024;

    /// <summary>
    /// Entries that record evidence and move no money: no postings (<see cref="LedgerEntryKind.PartnerAuditPinned"/>,
    /// <see cref="LedgerEntryKind.ReconcileAcknowledged"/>, <see cref="LedgerEntryKind.BurnReleased"/>).
    /// </summary>
    public static bool IsEvidence(LedgerEntryKind kind) => kind is LedgerEntryKind.PartnerAuditPinned or LedgerEntryKind.ReconcileAcknowledged or LedgerEntryKind.BurnReleased;

    /// <summary>
    /// Problems of a set of postings: fewer than two, an invalid account or asset, a zero amount,
    /// <see cref="long.MinValue"/> (has no negation), or a sum per asset other than zero (sums are exact, in <see cref="Int128"/>).
    /// An evidence entry (<see cref="IsEvidence"/>) moves no money: any posting is its problem.
    /// Empty when valid.
    /// </summary>
    public static IReadOnlyList<string> PostingProblems(IReadOnlyList<Posting> postings, LedgerEntryKind kind) => [.. CheckPostings(postings, kind).Select(p => p.Message)];

    internal static List<(bool Unbalanced, string Message)> CheckPostings(IReadOnlyList<Posting> postings, LedgerEntryKind kind)
    {
        ArgumentNullException.ThrowIfNull(postings);
        var problems = new List<(bool Unbalanced, string Message)>();
        if (IsEvidence(kind))
        {
            if (postings.Count > 0)
            {
                problems.Add((false, string.Create(CultureInfo.InvariantCulture, $"a {kind} entry is evidence and moves no money, it has {postings.Count} postings")));
            }

            return problems;
        }

        if (postings.Count < 2)
        {
            problems.Add((false, string.Create(CultureInfo.InvariantCulture, $"an entry needs at least 2 postings, it has {postings.Count}")));
        }

        if (postings.Count > MaxPostings)
        {
            problems.Add((false, string.Create(CultureInfo.InvariantCulture, $"an entry holds at most {MaxPostings} postings, it has {postings.Count}")));
        }

        var sums = new SortedDictionary<string, Int128>(StringComparer.Ordinal);
        for (int i = 0; i < postings.Count; i++)
        {
            Posting? p = postings[i];
            if (p is null)
            {
                problems.Add((false, string.Create(CultureInfo.InvariantCulture, $"posting {i} is null")));
                continue;
            }

            if (!Accounts.IsValid(p.Account))
            {
                problems.Add((false, string.Create(CultureInfo.InvariantCulture,
                    $"posting {i}: account '{p.Account}' must be 1-{Accounts.MaxLength} characters: no whitespace, no control characters, no surrogates (so no characters beyond U+FFFF such as emoji)")));
            }

            if (!Assets.IsValid(p.Asset))
            {
                problems.Add((false, string.Create(CultureInfo.InvariantCulture, $"posting {i}: asset '{p.Asset}' must be 1-16 characters A-Z0-9 starting with a letter")));
                continue;
            }

            if (p.Amount == 0)
            {
                problems.Add((false, string.Create(CultureInfo.InvariantCulture, $"posting {i} ({p.Account} {p.Asset}): amount is zero")));
            }
            else if (p.Amount == long.MinValue)
            {
                problems.Add((false, string.Create(CultureInfo.InvariantCulture, $"posting {i} ({p.Account} {p.Asset}): amount {p.Amount} is out of range")));
            }

            sums[p.Asset] = (sums.TryGetValue(p.Asset, out Int128 sum) ? sum : Int128.Zero) + p.Amount;
        }

        foreach (var (asset, sum) in sums)
        {
            if (sum != Int128.Zero)
            {
                problems.Add((true, string.Create(CultureInfo.InvariantCulture, $"postings in {asset} do not balance: debits - credits = {sum}")));
            }
        }

        return problems;
    }

    /// <summary>Problems of the identifying fields and metadata of an entry; empty when valid.</summary>
    public static IReadOnlyList<string> HeaderProblems(string entryId, LedgerEntryKind kind, IReadOnlyDictionary<string, string> metadata)
    {
        var problems = new List<string>();
        if (!IsPrintableId(entryId, MaxEntryIdLength))
        {
            problems.Add($"entry id '{entryId}' must be 1-{MaxEntryIdLength} characters without control characters");
        }

        if (!Enum.IsDefined(kind))
        {
            problems.Add($"kind {(int)kind} is not defined");
        }

        if (metadata.Count > MaxMetadataEntries)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"metadata holds at most {MaxMetadataEntries} entries, it has {metadata.Count}"));
        }

        foreach (var (key, value) in metadata)
        {
            if (!IsPrintableId(key, MaxMetadataKeyLength))
            {
                problems.Add($"metadata key '{key}' must be 1-{MaxMetadataKeyLength} characters without control characters");
            }

            if (value is null || value.Length > MaxMetadataValueLength || !IsWellFormed(value))
            {
                problems.Add($"metadata '{key}' must be a string of at most {MaxMetadataValueLength} characters (well-formed UTF-16)");
            }
        }

        return problems;
    }

    /// <summary>A book name: 1-64 characters, letters, digits, '-', '_' or '.'.</summary>
    public static bool IsValidBook(string? book)
    {
        if (string.IsNullOrEmpty(book) || book.Length > MaxBookLength)
        {
            return false;
        }

        foreach (char c in book)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>1-<see cref="MaxEntryIdLength"/> characters, well-formed UTF-16, no control characters.</summary>
    public static bool IsValidEntryId(string? entryId) => IsPrintableId(entryId, MaxEntryIdLength);

    public static string RequireBook(string book) =>
        IsValidBook(book) ? book : throw new ArgumentException($"Book '{book}' must be 1-{MaxBookLength} characters of letters, digits, '-', '_' or '.'.", nameof(book));

    private static bool IsPrintableId(string? value, int maxLength)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength || !IsWellFormed(value))
        {
            return false;
        }

        foreach (char c in value)
        {
            if (char.IsControl(c))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsWellFormed(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }

        return true;
    }
}
