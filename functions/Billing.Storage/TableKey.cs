namespace Billing.Storage;

/// <summary>
/// Escapes values for PartitionKey/RowKey. Table Storage forbids <c>/ \ # ?</c> and control characters in keys,
/// and we use <c>|</c> to join key parts, so those (and <c>%</c> itself) become <c>%XX</c>. Reversible, and
/// ordinal order of escaped keys stays stable for equal prefixes.
/// </summary>
public static class TableKey
{
    public const char Separator = '|';

    /// <summary>
    /// Longest PartitionKey or RowKey we write: Table Storage allows 1 KiB, and a key is UTF-16 (2 bytes a character);
    /// Azurite refuses keys over 512 characters as well.
    /// </summary>
    public const int MaxKeyChars = 512;

    /// <summary>Length of <see cref="Digest"/>: <c>%h</c> and 64 hex digits.</summary>
    public const int DigestChars = 66;

    /// <summary>
    /// A fixed-length stand-in for key parts whose escaped form would make a key too long: <c>%h</c> + SHA-256 (hex) of
    /// the UTF-8 parts joined by NUL. <see cref="Escape"/> only ever writes <c>%</c> before a hex digit or <c>u</c>,
    /// so a digest never equals an escaped value; the original values stay on the row as properties.
    /// </summary>
    public static string Digest(params ReadOnlySpan<string> parts)
    {
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        for (int i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                sha.AppendData([0]);
            }

            sha.AppendData(Encoding.UTF8.GetBytes(parts[i]));
        }

        return "%h" + Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary><see cref="Escape"/>d <paramref name="value"/> when that is at most <paramref name="maxChars"/> long, else its <see cref="Digest"/>.</summary>
    public static string Part(string value, int maxChars)
    {
        string escaped = Escape(value);
        return escaped.Length <= maxChars ? escaped : Digest(value);
    }

    /// <summary>Every character <see cref="NeedsEscape"/> names, for a vectorized search: keys are escaped per metered event.</summary>
    private static readonly System.Buffers.SearchValues<char> MustEscape =
        System.Buffers.SearchValues.Create(Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(NeedsEscape).ToArray());

    public static string Escape(string value)
    {
        int i = value.AsSpan().IndexOfAny(MustEscape);
        if (i < 0)
        {
            return value;
        }

        var sb = new StringBuilder(value.Length + 16);
        sb.Append(value, 0, i);
        for (; i < value.Length; i++)
        {
            char c = value[i];
            if (!NeedsEscape(c))
            {
                sb.Append(c);
            }
            else if (c <= 0xFF)
            {
                sb.Append('%').Append(((int)c).ToString("X2"));
            }
            else
            {
                sb.Append("%u").Append(((int)c).ToString("X4"));
            }
        }

        return sb.ToString();
    }

    public static string Unescape(string value)
    {
        if (!value.Contains('%'))
        {
            return value;
        }

        var sb = new StringBuilder(value.Length);
        for (int i = 0; i < value.Length; i++)
        {
            if (value[i] != '%')
            {
                sb.Append(value[i]);
            }
            else if (i + 1 < value.Length && value[i + 1] == 'u')
            {
                sb.Append((char)Convert.ToInt32(value.Substring(i + 2, 4), 16));
                i += 5;
            }
            else
            {
                sb.Append((char)Convert.ToInt32(value.Substring(i + 1, 2), 16));
                i += 2;
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// <see cref="Unescape"/> of a key read from storage, which may hold what <see cref="Escape"/> never writes (a planted
    /// row): false, with <paramref name="unescaped"/> the key as stored, when it is no escaped key. A needless or
    /// lower-case escape (<c>%49NV-…</c>), or a character left unescaped that <see cref="Escape"/> escapes, is none
    /// either: it would read as the id of another row's key (the same invoice twice), while every lookup by that id misses it.
    /// Composite keys join escaped parts with a bare <c>|</c> (<c>{yyyyMM}|{payer}</c>), so each part between them is held
    /// to that, not the whole key.
    /// </summary>
    public static bool TryUnescape(string value, out string unescaped)
    {
        try
        {
            unescaped = Unescape(value);
            if (value.Split('|').All(part => Escape(Unescape(part)) == part))
            {
                return true;
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException) // ArgumentException: a sign in "%-1"
        {
        }

        unescaped = value;
        return false;
    }

    /// <summary>
    /// Whether Table Storage can hold <paramref name="key"/> as a PartitionKey or RowKey: at most <see cref="MaxKeyChars"/>,
    /// none of the characters it refuses in keys. No write makes any other key, so a lookup of one finds nothing; asking
    /// storage would not say so but refuse the request (a 400 that would surface as a server error).
    /// </summary>
    public static bool CanExist(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return key.Length <= MaxKeyChars && key.AsSpan().IndexOfAny(RefusedInKeys) < 0;
    }

    /// <summary>What Table Storage refuses in a key: <c>/ \ # ?</c> and the control characters U+0000–U+001F, U+007F–U+009F.</summary>
    private static readonly System.Buffers.SearchValues<char> RefusedInKeys =
        System.Buffers.SearchValues.Create(Enumerable.Range(0, 0xA0).Select(c => (char)c).Where(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c)).ToArray());

    public static string Join(params ReadOnlySpan<string> escapedParts) => string.Join(Separator, escapedParts);

    /// <summary>The first row key after every key starting with <paramref name="prefix"/> (which ends with the separator).</summary>
    public static string After(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        return prefix[^1] == Separator ? prefix[..^1] + "}" : throw new ArgumentException($"'{prefix}' does not end with '{Separator}'", nameof(prefix));
    }

    private static bool NeedsEscape(char c) =>
        c is '/' or '\\' or '#' or '?' or '%' or Separator or '\'' || char.IsControl(c) || c is '\u2028' or '\u2029' || char.IsSurrogate(c);
}
