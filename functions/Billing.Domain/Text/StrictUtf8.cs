namespace Billing.Domain.Text;

/// <summary>
/// UTF-8 that refuses what it cannot represent instead of replacing it with U+FFFD: text read leniently is not the text
/// sent (two ids differing only in a bad byte would collide), and text written leniently would hash or store something
/// else than was given.
/// </summary>
public static class StrictUtf8
{
    /// <summary>Throws <see cref="DecoderFallbackException"/> on invalid bytes and <see cref="EncoderFallbackException"/> on unpaired surrogates; no BOM.</summary>
    public static readonly UTF8Encoding Encoding = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The text of <paramref name="utf8"/>, or null with the offset of the first byte that is not UTF-8.</summary>
    public static string? TryDecode(ReadOnlySpan<byte> utf8, out int badByte)
    {
        try
        {
            badByte = -1;
            return Encoding.GetString(utf8);
        }
        catch (DecoderFallbackException ex)
        {
            badByte = ex.Index;
            return null;
        }
    }
}
