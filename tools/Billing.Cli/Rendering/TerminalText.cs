using System.Buffers;
using System.Text;

namespace Billing.Cli.Rendering;

/// <summary>Text from the server or a stored row as a terminal may be given it.</summary>
public static class TerminalText
{
    /// <summary>
    /// <paramref name="text"/>, a single-line field, with every character a terminal would not draw as itself on that line
    /// spelled out, <c>\uXXXX</c> (<c>\UXXXXXXXX</c> beyond U+FFFF): controls (line feed, carriage return and tab included,
    /// so a value cannot fake a line of output of its own), format characters (bidi marks, overrides and isolates,
    /// zero-width ones, the byte order mark, soft hyphen, tag characters), line and paragraph separators, and a surrogate
    /// without its pair. A partner chooses group values and ids: two that differ must not print alike, and none may make the
    /// rest of a line read backwards. The console's <c>visible</c> (format.js) spells the same set but line feed and tab
    /// (an element's text cannot start a line of another).
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? Visible(string? text) => Spell(text, lines: false);

    /// <summary>
    /// <paramref name="text"/> printed as lines of its own (a CSV body, a payload): as <see cref="Visible"/>, but line feeds,
    /// carriage returns that end a line (CRLF) and tabs are kept.
    /// </summary>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
    public static string? VisibleLines(string? text) => Spell(text, lines: true);

    private static string? Spell(string? text, bool lines)
    {
        if (text is null || Ascii.IsValid(text) && !text.AsSpan().ContainsAnyInRange('\0', '\u001F') && !text.Contains('\u007F', StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        for (int i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out int used) != OperationStatus.Done)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)text[i]:X4}"); // a lone surrogate
                i++;
                continue;
            }

            bool kept = lines && (rune.Value is '\n' or '\t' || rune.Value == '\r' && i + 1 < text.Length && text[i + 1] == '\n');
            if (kept || !Hidden(rune))
            {
                sb.Append(text, i, used);
            }
            else if (rune.IsBmp)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:X4}");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\U{rune.Value:X8}");
            }

            i += used;
        }

        return sb.ToString();
    }

    private static bool Hidden(Rune rune) => Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control
        or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;
}
