using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Billing.Domain.Ledger;

/// <summary>What an anchor memo says: entries <see cref="FromSeq"/>..<see cref="ToSeq"/> (inclusive) have Merkle root <see cref="RootHex"/>.</summary>
public sealed record AnchorMemoContent(long FromSeq, long ToSeq, string RootHex);

/// <summary>
/// The Solana Memo of a ledger anchor: <c>billing:anchor:v1:{fromSeq}-{toSeq}:{rootHex}</c>, sequences in decimal without
/// leading zeros, root as 64 lower-case hex digits, e.g. <c>billing:anchor:v1:1-42:9f…e0</c>.
/// </summary>
public static class AnchorMemo
{
    public const string Prefix = "billing:anchor:v1:";

    public static string Format(long fromSeq, long toSeq, string rootHex)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromSeq, 1L);
        ArgumentOutOfRangeException.ThrowIfLessThan(toSeq, fromSeq);
        if (!LedgerEncoding.IsHash(rootHex))
        {
            throw new ArgumentException($"'{rootHex}' is not a root hash (64 lower-case hex digits).", nameof(rootHex));
        }

        return string.Create(CultureInfo.InvariantCulture, $"{Prefix}{fromSeq}-{toSeq}:{rootHex}");
    }

    /// <summary>Parses exactly the form <see cref="Format"/> writes; anything else (other prefix, leading zeros, upper-case hex, from &gt; to) is false.</summary>
    public static bool TryParse(string? memo, [NotNullWhen(true)] out AnchorMemoContent? content)
    {
        content = null;
        if (memo is null || !memo.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        ReadOnlySpan<char> rest = memo.AsSpan(Prefix.Length);
        int colon = rest.IndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        ReadOnlySpan<char> range = rest[..colon];
        string root = rest[(colon + 1)..].ToString();
        int dash = range.IndexOf('-');
        if (dash < 0
            || !TryParseSequence(range[..dash], out long from)
            || !TryParseSequence(range[(dash + 1)..], out long to)
            || to < from
            || !LedgerEncoding.IsHash(root))
        {
            return false;
        }

        content = new AnchorMemoContent(from, to, root);
        return true;
    }

    private static bool TryParseSequence(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        return text.Length is > 0 and <= 19
            && text[0] != '0'
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)
            && value >= 1;
    }
}
