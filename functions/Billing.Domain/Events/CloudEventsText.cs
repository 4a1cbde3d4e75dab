namespace Billing.Domain.Events;

/// <summary>
/// The CloudEvents 1.0.2 type-system checks that are not JSON syntax: String characters, absolute URIs, and media types
/// that declare JSON (JSON format §3.1.1). Shared by the event validator and the HTTP adapter, on UTF-8 or text.
/// </summary>
public static class CloudEventsText
{
    // RFC 7230 tchar, plus the one slash between a media type's type and subtype.
    private static readonly SearchValues<byte> TypeChars = SearchValues.Create("/!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    // RFC 3986: unreserved, reserved and '%' (checked for two hex digits separately).
    private static readonly SearchValues<byte> UriChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%"u8);

    private static readonly SearchValues<byte> SchemeChars = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-."u8);

    /// <summary>
    /// A CloudEvents String (valid UTF-8 assumed): no control characters U+0000-U+001F or U+007F-U+009F, which the
    /// specification disallows and which cannot travel in an HTTP header anyway.
    /// </summary>
    public static bool IsValidString(ReadOnlySpan<byte> utf8)
    {
        if (!utf8.ContainsAnyInRange((byte)0x00, (byte)0x1F) && !utf8.Contains((byte)0x7F) && Ascii.IsValid(utf8))
        {
            return true;
        }

        foreach (var rune in Encoding.UTF8.GetString(utf8).EnumerateRunes())
        {
            if (rune.Value is <= 0x1F or (>= 0x7F and <= 0x9F))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A <see cref="IsValidString">CloudEvents String</see> that also draws as itself: no format characters (zero-width and
    /// bidi marks, the byte order mark, soft hyphen, tag characters) and no line or paragraph separators, the rule event ids
    /// follow too. A value a partner chooses for a dimension must not print like another one.
    /// </summary>
    public static bool IsPrintableString(ReadOnlySpan<byte> utf8)
    {
        if (Ascii.IsValid(utf8))
        {
            return IsValidString(utf8);
        }

        for (var rest = utf8; !rest.IsEmpty;)
        {
            Rune.DecodeFromUtf8(rest, out var rune, out int used); // valid UTF-8 assumed, as for IsValidString
            if (DrawsAsNothing(Rune.GetUnicodeCategory(rune)))
            {
                return false;
            }

            rest = rest[used..];
        }

        return true;
    }

    /// <summary>
    /// Whether characters of <paramref name="category"/> draw as nothing or break a line: controls, format characters,
    /// line and paragraph separators. The one rule for what partner-chosen text (event ids, payer ids, declared strings)
    /// may not hold; judge it by code point (<see cref="CharUnicodeInfo.GetUnicodeCategory(string, int)"/>, a
    /// <see cref="Rune"/>), since a tag character's two surrogates are not Format one by one.
    /// </summary>
    public static bool DrawsAsNothing(UnicodeCategory category) =>
        category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    /// <summary>An RFC 3986 URI with a scheme (CloudEvents type URI), e.g. <c>https://example.com/schema</c> or <c>urn:x</c>.</summary>
    public static bool IsAbsoluteUri(ReadOnlySpan<byte> utf8)
    {
        int colon = utf8.IndexOf((byte)':');
        if (colon < 1 || utf8[0] is not ((>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z')) || utf8[..colon].ContainsAnyExcept(SchemeChars)
            || utf8.ContainsAnyExcept(UriChars))
        {
            return false;
        }

        for (int i = utf8.IndexOf((byte)'%'); i >= 0; i = utf8[(i + 1)..].IndexOf((byte)'%') is int next and >= 0 ? i + 1 + next : -1)
        {
            if (i + 2 >= utf8.Length || !Uri.IsHexDigit((char)utf8[i + 1]) || !Uri.IsHexDigit((char)utf8[i + 2]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The media type's essence, <c>type/subtype</c> lowercased without parameters, or null when the text is not a
    /// media type (RFC 7231 §3.1.1.1: tokens around one slash, then optional <c>;</c> parameters).
    /// </summary>
    public static string? MediaTypeEssence(ReadOnlySpan<byte> utf8) =>
        TryEssence(utf8, out var essence, out _) ? Encoding.ASCII.GetString(essence).ToLowerInvariant() : null;

    /// <summary>The essence's bytes and where its slash is; no allocation (this runs per metered event).</summary>
    private static bool TryEssence(ReadOnlySpan<byte> utf8, out ReadOnlySpan<byte> essence, out int slash)
    {
        int semicolon = utf8.IndexOf((byte)';');
        essence = (semicolon < 0 ? utf8 : utf8[..semicolon]).Trim(" \t"u8);
        slash = essence.IndexOf((byte)'/');
        return slash >= 1 && slash < essence.Length - 1 && !essence.ContainsAnyExcept(TypeChars) && !essence[(slash + 1)..].Contains((byte)'/');
    }

    /// <inheritdoc cref="MediaTypeEssence(ReadOnlySpan{byte})"/>
    public static string? MediaTypeEssence(string? text) => text is null ? null : MediaTypeEssence(Encoding.UTF8.GetBytes(text));

    /// <summary>
    /// Whether every <c>charset</c> parameter of a media type, if any, names UTF-8 (<c>utf-8</c>, or <c>utf8</c> as some
    /// clients write it; any case, quoted or not): <paramref name="charset"/> is the first other value otherwise (a later
    /// <c>utf-8</c> does not undo it).
    /// </summary>
    public static bool DeclaresUtf8OrNoCharset(string? mediaType, out string? charset)
    {
        charset = null;
        foreach (var part in (mediaType ?? "").Split(';').AsSpan(1))
        {
            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part.AsSpan(0, equals).Trim().Equals("charset", StringComparison.OrdinalIgnoreCase))
            {
                string value = part[(equals + 1)..].Trim().Trim('"');
                if (!value.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !value.Equals("utf8", StringComparison.OrdinalIgnoreCase))
                {
                    charset = value;
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>
    /// Whether a charset is one in which ASCII text is not its ASCII bytes (UTF-16 and UTF-32 in any form, UCS-2): a body
    /// declared so is not read as UTF-8 whatever its bytes.
    /// </summary>
    public static bool IsWideCharset(string charset) =>
        charset.StartsWith("utf-16", StringComparison.OrdinalIgnoreCase) || charset.StartsWith("utf-32", StringComparison.OrdinalIgnoreCase)
        || charset.StartsWith("utf16", StringComparison.OrdinalIgnoreCase) || charset.StartsWith("utf32", StringComparison.OrdinalIgnoreCase)
        || charset.StartsWith("ucs-", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether a media type declares JSON as the CloudEvents JSON format defines it: subtype <c>json</c> or ending in
    /// <c>+json</c> (<c>application/json</c>, <c>text/json</c>, <c>application/vnd.example+json</c>), any case, with
    /// parameters such as <c>charset</c> allowed. <c>application/jsonx</c> is not JSON.
    /// </summary>
    public static bool IsJsonMediaType(ReadOnlySpan<byte> utf8)
    {
        if (!TryEssence(utf8, out var essence, out int slash))
        {
            return false;
        }

        var subtype = essence[(slash + 1)..];
        return Ascii.EqualsIgnoreCase(subtype, "json"u8) || (subtype.Length > 5 && Ascii.EqualsIgnoreCase(subtype[^5..], "+json"u8));
    }

    /// <inheritdoc cref="IsJsonMediaType(ReadOnlySpan{byte})"/>
    public static bool IsJsonMediaType(string? text) => text is not null && IsJsonMediaType(Encoding.UTF8.GetBytes(text));
}
