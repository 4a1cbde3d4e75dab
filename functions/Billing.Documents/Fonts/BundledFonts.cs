using System.Collections.Concurrent;
using PdfSharp.Fonts;

namespace Billing.Documents.Fonts;

/// <summary>
/// Resolves the two families documents use to the DejaVu fonts embedded in this assembly, so a PDF looks the same on
/// every host and never depends on the machine's fonts. Italic is not bundled; bold is only bundled for the sans face.
/// </summary>
internal sealed class BundledFonts : IFontResolver
{
    public const string Sans = "DejaVu Sans";
    public const string Mono = "DejaVu Sans Mono";

    private static readonly Lock Gate = new();
    private readonly ConcurrentDictionary<string, byte[]> cache = new(StringComparer.Ordinal);

    /// <summary>Installs the resolver once per process (PDFsharp's font settings are global).</summary>
    public static void EnsureInstalled()
    {
        lock (Gate)
        {
            if (GlobalFontSettings.FontResolver is not BundledFonts)
            {
                GlobalFontSettings.FontResolver = new BundledFonts();
            }
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) => familyName switch
    {
        Mono => new FontResolverInfo("DejaVuSansMono"),
        _ => new FontResolverInfo(isBold ? "DejaVuSans-Bold" : "DejaVuSans"), // every other family falls back to the sans face
    };

    public byte[]? GetFont(string faceName) => cache.GetOrAdd(faceName, Read);

    /// <summary>The bytes of a bundled face, e.g. <c>DejaVuSans</c>.</summary>
    internal static byte[] Read(string faceName)
    {
        string name = $"Billing.Documents.Fonts.{faceName}.ttf";
        using var stream = typeof(BundledFonts).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The font resource '{name}' is not embedded in {typeof(BundledFonts).Assembly.GetName().Name}.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
