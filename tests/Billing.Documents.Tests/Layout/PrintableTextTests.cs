using Billing.Documents.Fonts;
using Billing.Documents.Layout;
using PdfSharp.Pdf;

namespace Billing.Documents.Tests.Layout;

public class PrintableTextTests
{
    [Theory]
    [InlineData('\u05D0')] // Hebrew alef: in the sans faces, not in the mono one
    [InlineData('\u0460')] // Cyrillic omega: likewise
    public void Of_CharacterTheMonoFaceLacks_SpelledOutInMonoFieldsShownInSansOnes(char letter)
    {
        Assert.True(PrintableText.BmpCoverage(BundledFonts.Read("DejaVuSans"))[letter]);
        Assert.False(PrintableText.BmpCoverage(BundledFonts.Read("DejaVuSansMono"))[letter]);
        var fonts = new DocumentFonts();
        using var pdf = new PdfDocument();
        using var flow = new PageFlow(pdf);
        string id = $"INV-{letter}-1-202610";

        Assert.Equal($"INV-\\u{(int)letter:X4}-1-202610", string.Concat(flow.Wrap(id, fonts.Mono, 500)));
        Assert.Equal(id, string.Concat(flow.Wrap(id, fonts.Table, 500)));
    }

    [Fact]
    public void Of_LettersEveryFaceDraws_KeptAsTheyAre()
    {
        Assert.Equal("Zürich Ørsted café ß", PrintableText.Of("Zürich Ørsted café ß", mono: true));
        Assert.Equal("Hồ Chí Minh", PrintableText.Of("Hồ Chí Minh")); // Vietnamese: the sans faces draw it
    }
}
