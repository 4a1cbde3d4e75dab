using Billing.Documents.Fonts;

namespace Billing.Documents.Layout;

/// <summary>The handful of faces and sizes a document uses (all bundled DejaVu).</summary>
internal sealed class DocumentFonts
{
    public DocumentFonts()
    {
        BundledFonts.EnsureInstalled(); // before the first XFont: PDFsharp resolves the face when the font is made
        Title = new(BundledFonts.Sans, 18, XFontStyleEx.Bold);
        Heading = new(BundledFonts.Sans, 11, XFontStyleEx.Bold);
        Body = new(BundledFonts.Sans, 9, XFontStyleEx.Regular);
        Bold = new(BundledFonts.Sans, 9, XFontStyleEx.Bold);
        Table = new(BundledFonts.Sans, 8, XFontStyleEx.Regular);
        TableBold = new(BundledFonts.Sans, 8, XFontStyleEx.Bold);
        Small = new(BundledFonts.Sans, 7, XFontStyleEx.Regular);
        Mono = new(BundledFonts.Mono, 7, XFontStyleEx.Regular);
    }

    public XFont Title { get; }

    public XFont Heading { get; }

    public XFont Body { get; }

    public XFont Bold { get; }

    public XFont Table { get; }

    public XFont TableBold { get; }

    public XFont Small { get; }

    /// <summary>Ids, hashes and signatures: small monospace, so an 88-character signature fits one line.</summary>
    public XFont Mono { get; }
}
