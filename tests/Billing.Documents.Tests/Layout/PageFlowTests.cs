using System.Text.RegularExpressions;
using Billing.Documents.Layout;
using PdfSharp.Pdf;

namespace Billing.Documents.Tests.Layout;

public partial class PageFlowTests
{
    // Spelled out by PrintableText: a bidi override, an emoji (beyond the BMP), a zero-width space, CJK the font lacks.
    private const string Partner = "site\u202E0001\U0001F600x\u200Bhub\u4EACend";

    /// <summary>A backslash that does not start a whole escape: an escape cut by a line break or a shortening.</summary>
    [GeneratedRegex(@"\\(?!u[0-9A-F]{4}|U[0-9A-F]{8})")]
    private static partial Regex SplitEscape();

    [Fact]
    public void Wrap_LongValueWithEscapes_NoLineSplitsAnEscape()
    {
        var fonts = new DocumentFonts();
        using var pdf = new PdfDocument();
        using var flow = new PageFlow(pdf);
        string value = string.Concat(Enumerable.Repeat(Partner, 4));
        string printable = string.Concat(Enumerable.Repeat(PrintableText.Of(Partner), 4));

        for (double width = 30; width <= 200; width += 1.5) // every break position in the value, one width or another
        {
            var lines = flow.Wrap(value, fonts.Table, width);

            Assert.Equal(printable, string.Concat(lines));
            Assert.All(lines, line => Assert.False(SplitEscape().IsMatch(line), $"width {width}: '{line}' splits an escape"));
        }
    }

    [Fact]
    public void Wrap_EscapeWiderThanTheLine_KeptWholeOnItsOwnLine()
    {
        var fonts = new DocumentFonts();
        using var pdf = new PdfDocument();
        using var flow = new PageFlow(pdf);

        var lines = flow.Wrap("a\U0001F600b", fonts.Table, 8);

        Assert.Equal(["a", "\\U0001F600", "b"], lines);
    }

    [Fact]
    public void Shortened_ValueWithEscapes_NeverEndsInAPartOfOne()
    {
        string printable = PrintableText.Of(Partner + Partner);

        for (int width = 1; width < printable.Length; width++) // one unit a character: every cut position
        {
            string shown = PageFlow.Shortened(printable, s => s.Length, width);

            Assert.EndsWith("…", shown, StringComparison.Ordinal);
            Assert.StartsWith(shown[..^1], printable, StringComparison.Ordinal);
            Assert.False(SplitEscape().IsMatch(shown[..^1]), $"width {width}: '{shown}' ends in part of an escape");
        }
    }
}
