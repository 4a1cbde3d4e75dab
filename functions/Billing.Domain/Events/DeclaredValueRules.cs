namespace Billing.Domain.Events;

/// <summary>
/// The rules of a declared text or time field on its UTF-8 value (<see cref="DeclaredEventReader"/>): the reason it is
/// invalid, or null; the value in <c>number</c> (time, UTC ticks) or <c>text</c> (made only when <c>keep</c>, or an enum's
/// declared value).
/// </summary>
internal static class DeclaredValueRules
{
    public static string? Check(FieldDefinition field, byte[][] values, ReadOnlySpan<byte> utf8, bool keep, ref long number, ref string? text)
    {
        switch (field.Kind)
        {
            case FieldKind.Time:
                if (!Rfc3339.TryParse(utf8, out var time))
                {
                    return Rfc3339.Explain(utf8);
                }

                number = time.UtcTicks;
                return null;
            case FieldKind.Enum:
                for (int i = 0; i < values.Length; i++)
                {
                    if (utf8.SequenceEqual(values[i]))
                    {
                        text = field.Values[i];
                        return null;
                    }
                }

                return $"must be one of {string.Join(", ", field.Values)}";
            case FieldKind.H3:
                text = keep ? Encoding.UTF8.GetString(utf8) : null;
                return H3Index.IsValidCell(utf8, field.Resolution) ? null
                    : field.Resolution is { } res ? $"must be an H3 cell index of resolution {res} (15 lowercase hex digits)" : "must be an H3 cell index (15 lowercase hex digits)";
            case FieldKind.Base58:
                text = keep ? Encoding.UTF8.GetString(utf8) : null;
                return Base58.DecodedLength(utf8) == field.Bytes ? null : $"must be a base58-encoded {field.Bytes}-byte key";
            default:
                text = keep ? Encoding.UTF8.GetString(utf8) : null;
                if (!CloudEventsText.IsPrintableString(utf8))
                {
                    return "must hold printable characters only: no control characters (U+0000-U+001F, U+007F-U+009F), format characters (zero-width, bidi marks, U+FEFF, tags) or line and paragraph separators";
                }

                int length = text?.Length ?? Encoding.UTF8.GetCharCount(utf8);
                if (length < field.MinLength || length > field.MaxLength)
                {
                    return $"must be {field.MinLength}-{field.MaxLength} characters";
                }

                return field.Pattern is not { } pattern ? null : Matches(pattern, text, utf8, length) switch
                {
                    true => null,
                    false => $"must match {pattern}",
                    null => $"could not be checked against {pattern} in time (the pattern backtracks on this value)",
                };
        }
    }

    /// <summary>
    /// The pattern on the text, decoded onto the stack when no string was made (at most <c>maxLength</c> ≤ 256 characters);
    /// null when a backtracking pattern ran out of its time limit.
    /// </summary>
    private static bool? Matches(System.Text.RegularExpressions.Regex pattern, string? text, ReadOnlySpan<byte> utf8, int length)
    {
        try
        {
            if (text is not null)
            {
                return pattern.IsMatch(text);
            }

            Span<char> chars = length <= 256 ? stackalloc char[256] : new char[length];
            return pattern.IsMatch(chars[..Encoding.UTF8.GetChars(utf8, chars)]);
        }
        catch (System.Text.RegularExpressions.RegexMatchTimeoutException)
        {
            return null;
        }
    }
}
