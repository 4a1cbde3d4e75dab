using Billing.Documents.Fonts;
using PdfSharp.Drawing;

namespace Billing.Documents.Layout;

/// <summary>The handful of faces and sizes a document uses (all bundled DejaVu).</summary>
internal sealed class DocumentFonts
{
    public DocumentFonts()
    {
        BundledFonts.EnsureInstalled();
    }

    public XFont Title { get; } = new(BundledFonts.Sans, 18, XFontStyleEx.Bold);

    public XFont Heading { get; } = new(BundledFonts.Sans, 11, XFontStyleEx.Bold);

    public XFont Body { get; } = new(BundledFonts.Sans, 9, XFontStyleEx.Regular);

    public XFont Bold { get; } = new(BundledFonts.Sans, 9, XFontStyleEx.Bold);

    public XFont Table { get; } = new(BundledFonts.Sans, 8, XFontStyleEx.Regular);

    public XFont TableBold { get; } = new(BundledFonts.Sans, 8, XFontStyleEx.Bold);

    public XFont Small { get; } = new(BundledFonts.Sans, 7, XFontStyleEx.Regular);

    /// <summary>Ids, hashes and signatures: small monospace, so an 88-character signature fits one line.</summary>
    public XFont Mono { get; } = new(BundledFonts.Mono, 7, XFontStyleEx.Regular);
}
