using System.Buffers;
using System.Buffers.Binary;
using System.Collections;
using System.Text;
using Billing.Documents.Fonts;
using PdfSharp.Drawing;

namespace Billing.Documents.Layout;

/// <summary>
/// Text as a document can show it: a character the bundled font has no glyph for (PDFsharp draws the empty .notdef box,
/// so two different values look alike), and every control or format character (bidi overrides and isolates, zero-width
/// ones: drawn as nothing), is spelled out as <c>\uXXXX</c> (<c>\UXXXXXXXX</c> beyond the BMP). Partners choose the
/// dimension values and names an invoice shows; none of their characters may vanish from it.
/// </summary>
internal static class PrintableText
{
    private static readonly SearchValues<char> HexDigits = SearchValues.Create("0123456789ABCDEFabcdef");

    /// <summary>What both sans faces (regular and bold) draw: body text, tables, headings and the footer.</summary>
    private static readonly Lazy<BitArray> SansGlyphs = new(() => BmpCoverage(BundledFonts.Read("DejaVuSans"))
        .And(BmpCoverage(BundledFonts.Read("DejaVuSans-Bold"))));

    /// <summary>
    /// What the mono face draws: ids, hashes and memos. It lacks about 2,200 characters the sans face has (Hebrew, some
    /// Cyrillic), so a check against the sans face alone let a payer id in those letters draw as boxes there.
    /// </summary>
    private static readonly Lazy<BitArray> MonoGlyphs = new(() => BmpCoverage(BundledFonts.Read("DejaVuSansMono")));

    /// <summary><paramref name="text"/> as the sans faces show it.</summary>
    public static string Of(string text) => Of(text, mono: false);

    /// <summary><paramref name="text"/> as <paramref name="font"/>'s face shows it.</summary>
    public static string Of(string text, XFont font)
    {
        ArgumentNullException.ThrowIfNull(font);
        return Of(text, mono: font.FontFamily.Name == BundledFonts.Mono);
    }

    /// <summary><paramref name="text"/> as the mono face (<paramref name="mono"/>) or the sans faces show it.</summary>
    public static string Of(string text, bool mono)
    {
        ArgumentNullException.ThrowIfNull(text);
        var glyphs = mono ? MonoGlyphs.Value : SansGlyphs.Value;
        if (Ascii.IsValid(text) && !text.AsSpan().ContainsAnyInRange('\0', '\u001f') && !text.Contains('\u007f', StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 16);
        foreach (var rune in text.EnumerateRunes())
        {
            if (Shown(rune, glyphs))
            {
                sb.Append(rune.ToString());
            }
            else if (rune.IsBmp)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:X4}");
            }
            else
            {
                sb.Append(CultureInfo.InvariantCulture, $"\\U{rune.Value:X8}");
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// The length of the escape (<c>\uXXXX</c>: 6, <c>\UXXXXXXXX</c>: 10) starting at <paramref name="index"/>, or 0. Text
    /// the partner typed that reads like one counts too: keeping it whole on a line costs nothing.
    /// </summary>
    public static int EscapeLength(string text, int index)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (index < 0 || index + 1 >= text.Length || text[index] != '\\')
        {
            return 0;
        }

        int length = text[index + 1] switch { 'u' => 6, 'U' => 10, _ => 0 };
        return length > 0 && index + length <= text.Length && !text.AsSpan(index + 2, length - 2).ContainsAnyExcept(HexDigits) ? length : 0;
    }

    /// <summary><paramref name="cut"/>, or the start of the escape a cut there would split, so a break never falls inside one.</summary>
    public static int CutOutsideEscape(string text, int cut)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (int start = Math.Max(0, cut - 9); start < cut; start++)
        {
            if (start + EscapeLength(text, start) > cut)
            {
                return start;
            }
        }

        return cut;
    }

    private static bool Shown(Rune rune, BitArray glyphs) =>
        rune.IsBmp && glyphs[rune.Value]
        && Rune.GetUnicodeCategory(rune) is not (UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator
            or UnicodeCategory.ParagraphSeparator or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned);

    /// <summary>The BMP characters the font maps to a glyph, from its Windows Unicode (3, 1) cmap subtable of format 4.</summary>
    internal static BitArray BmpCoverage(byte[] font)
    {
        var covered = new BitArray(0x10000);
        ReadOnlySpan<byte> f = font;
        int cmap = -1;
        for (int i = 0, tables = U16(f, 4); i < tables; i++)
        {
            int record = 12 + (16 * i);
            if (f.Slice(record, 4).SequenceEqual("cmap"u8))
            {
                cmap = (int)BinaryPrimitives.ReadUInt32BigEndian(f[(record + 8)..]);
            }
        }

        if (cmap < 0)
        {
            throw new InvalidDataException("the bundled font has no cmap table");
        }

        int sub = -1;
        for (int i = 0, count = U16(f, cmap + 2); i < count; i++)
        {
            int record = cmap + 4 + (8 * i);
            if (U16(f, record) == 3 && U16(f, record + 2) == 1)
            {
                sub = cmap + (int)BinaryPrimitives.ReadUInt32BigEndian(f[(record + 4)..]);
            }
        }

        if (sub < 0 || U16(f, sub) != 4)
        {
            throw new InvalidDataException("the bundled font has no Unicode BMP cmap of format 4");
        }

        int segments = U16(f, sub + 6) / 2;
        int ends = sub + 14, starts = ends + (2 * segments) + 2, deltas = starts + (2 * segments), offsets = deltas + (2 * segments);
        for (int s = 0; s < segments; s++)
        {
            int start = U16(f, starts + (2 * s)), end = U16(f, ends + (2 * s)), delta = U16(f, deltas + (2 * s)), offset = U16(f, offsets + (2 * s));
            for (int c = start; c <= end && c != 0xFFFF; c++)
            {
                int glyph = offset == 0 ? c : U16(f, offsets + (2 * s) + offset + (2 * (c - start)));
                covered[c] = (offset == 0 || glyph != 0) && ((glyph + delta) & 0xFFFF) != 0; // glyph 0 is .notdef
            }
        }

        return covered;
    }

    private static int U16(ReadOnlySpan<byte> f, int at) => BinaryPrimitives.ReadUInt16BigEndian(f[at..]);
}
