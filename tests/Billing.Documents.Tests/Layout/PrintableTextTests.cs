using Billing.Documents.Layout;
using Billing.Documents.Fonts;

namespace Billing.Documents.Tests.Layout;

public class PrintableTextTests
{
    [Theory]
    [InlineData('\u05D0')] // Hebrew alef: in the sans faces, not in the mono one
    [InlineData('\u0460')] // Cyrillic omega: likewise
    public void Of_CharacterTheMonoFaceLacks_SpelledOutWhateverTheFieldsFace(char letter)
    {
        Assert.True(PrintableText.BmpCoverage(BundledFonts.Read("DejaVuSans"))[letter]);
        Assert.False(PrintableText.BmpCoverage(BundledFonts.Read("DejaVuSansMono"))[letter]);

        Assert.Equal($"INV-\\u{(int)letter:X4}-1-202610", PrintableText.Of($"INV-{letter}-1-202610"));
    }

    [Fact]
    public void Of_LettersEveryFaceDraws_KeptAsTheyAre()
    {
        Assert.Equal("Zürich Ørsted café ß", PrintableText.Of("Zürich Ørsted café ß"));
    }
}
