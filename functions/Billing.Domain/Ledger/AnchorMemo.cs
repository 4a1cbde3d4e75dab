namespace Billing.Domain.Ledger;

/// <summary>
/// The Solana Memo of a ledger anchor:
/// <c>billing:anchor:v2:{ledger}:{book}:{fromSeq}-{toSeq}:{rootHex}:{previousRootHex}</c>, sequences in decimal without
/// leading zeros, hashes as 64 lower-case hex digits. The ledger name separates deployments that share an anchor
/// authority; the previous root links each anchor to the one before, so a missing, replaced or reordered anchor shows.
/// </summary>
public static class AnchorMemo
{
    public const string Prefix = "billing:anchor:v2:";

    public const int MaxLedgerLength = 32;

    /// <summary>The previous root of a book's first anchor.</summary>
    public static readonly string NoPreviousRoot = new('0', 64);

    public static bool IsValidLedger(string? ledger) =>
        !string.IsNullOrEmpty(ledger) && ledger.Length <= MaxLedgerLength && ledger.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    public static string Format(AnchorMemoContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Format(content.Ledger, content.Book, content.FromSeq, content.ToSeq, content.RootHex, content.PreviousRootHex);
    }

    public static string Format(string ledger, string book, long fromSeq, long toSeq, string rootHex, string previousRootHex)
    {
        RequireLedgerAndBook(ledger, book);
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSeq, 1L);
        ArgumentOutOfRangeException.ThrowIfLessThan(toSeq, fromSeq);
        if (!LedgerEncoding.IsHash(rootHex))
        {
            throw new ArgumentException($"'{rootHex}' is not a root hash (64 lower-case hex digits).", nameof(rootHex));
        }

        if (!LedgerEncoding.IsHash(previousRootHex))
        {
            throw new ArgumentException($"'{previousRootHex}' is not a root hash (64 lower-case hex digits).", nameof(previousRootHex));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{ledger}:{book}:{fromSeq}-{toSeq}:{rootHex}:{previousRootHex}");
    }

    /// <summary>Parses exactly the form <see cref="Format(AnchorMemoContent)"/> writes; anything else is false.</summary>
    public static bool TryParse(string? memo, [NotNullWhen(true)] out AnchorMemoContent? content)
    {
        content = null;
        if (!TrySplit(memo, Prefix, 5, out var parts) || !LedgerEncoding.IsHash(parts[3]) || !LedgerEncoding.IsHash(parts[4]))
        {
            return false;
        }

        ReadOnlySpan<char> range = parts[2];
        int dash = range.IndexOf('-');
        if (dash < 0
            || !TryParseSequence(range[..dash], out long from)
            || !TryParseSequence(range[(dash + 1)..], out long to)
            || to < from)
        {
            return false;
        }

        content = new AnchorMemoContent(parts[0], parts[1], from, to, parts[3], parts[4]);
        return true;
    }

    /// <summary>Throws unless <paramref name="ledger"/> and <paramref name="book"/> may stand in a memo (heartbeats share the rule).</summary>
    internal static void RequireLedgerAndBook(string ledger, string book)
    {
        if (!IsValidLedger(ledger))
        {
            throw new ArgumentException($"Ledger name '{ledger}' must be 1-{MaxLedgerLength} letters, digits, '-', '_' or '.'.", nameof(ledger));
        }

        LedgerValidation.RequireBook(book);
    }

    /// <summary>
    /// The <paramref name="count"/> colon-separated fields after <paramref name="prefix"/>, the first a valid ledger name and
    /// the second a valid book (heartbeats share the rule); false for anything else.
    /// </summary>
    internal static bool TrySplit(string? memo, string prefix, int count, [NotNullWhen(true)] out string[]? parts)
    {
        parts = memo is not null && memo.StartsWith(prefix, StringComparison.Ordinal) ? memo[prefix.Length..].Split(':') : null;
        if (parts is null || parts.Length != count || !IsValidLedger(parts[0]) || !LedgerValidation.IsValidBook(parts[1]))
        {
            parts = null;
            return false;
        }

        return true;
    }

    /// <summary>A sequence as memos write it: decimal, 1 or more, no leading zero.</summary>
    internal static bool TryParseSequence(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        return text.Length is > 0 and <= 19
            && text[0] != '0'
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)
            && value >= 1;
    }
}
