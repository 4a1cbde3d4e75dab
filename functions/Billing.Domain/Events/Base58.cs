namespace Billing.Domain.Events;

/// <summary>Bitcoin-alphabet base58 decoding, enough to check that a hotspot id is a 32-byte key.</summary>
/// <remarks>
/// Its own code, not SimpleBase (which Billing.Solana uses for keys): this runs once per metered carrier event, and it
/// only counts bytes. Measured 2026-12-01 on the 2-core dev box, 1,024 random 32-byte keys, median of 7 interleaved
/// rounds: 670 ns/key here against 9,851 ns/key for <c>SimpleBase.Base58.Bitcoin.Decode</c> (14,617 for its span
/// <c>TryDecode</c>); the whole hot path costs about 1,500 ns/event, so SimpleBase would make metering several times slower.
/// </remarks>
public static class Base58
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static readonly sbyte[] Map = BuildMap();

    /// <summary>Returns the decoded length, or -1 when the text is not base58 or decodes to more than <paramref name="maxBytes"/>.</summary>
    public static int DecodedLength(string text, int maxBytes = 64) => DecodedLength(text.AsSpan(), maxBytes);

    /// <summary>The same for UTF-8 text (a declared field's bytes): any byte outside ASCII is no base58 digit.</summary>
    public static int DecodedLength(ReadOnlySpan<byte> utf8, int maxBytes = 64)
    {
        if (utf8.Length == 0 || utf8.Length > maxBytes * 2)
        {
            return -1;
        }

        Span<char> text = stackalloc char[utf8.Length];
        for (int i = 0; i < utf8.Length; i++)
        {
            text[i] = (char)utf8[i]; // a byte of 0x80 or more stays ≥ 128: refused below
        }

        return DecodedLength(text, maxBytes);
    }

    private static int DecodedLength(ReadOnlySpan<char> text, int maxBytes)
    {
        if (text.Length == 0 || text.Length > maxBytes * 2)
        {
            return -1;
        }

        int leadingZeros = 0;
        while (leadingZeros < text.Length && text[leadingZeros] == '1')
        {
            leadingZeros++;
        }

        // Big number in little-endian 32-bit limbs, fed five base58 digits at a time.
        Span<uint> limbs = stackalloc uint[(maxBytes / 4) + 2];
        int used = 0;
        int i = leadingZeros;
        while (i < text.Length)
        {
            uint chunk = 0, multiplier = 1;
            for (int k = 0; k < 5 && i < text.Length; k++, i++)
            {
                char c = text[i];
                int digit = c < 128 ? Map[c] : -1;
                if (digit < 0)
                {
                    return -1;
                }

                chunk = (chunk * 58) + (uint)digit;
                multiplier *= 58; // at most 58^5, which fits 32 bits
            }

            ulong carry = chunk;
            for (int l = 0; l < used; l++)
            {
                carry += (ulong)limbs[l] * multiplier;
                limbs[l] = unchecked((uint)carry); // keep the low 32 bits; the rest carries
                carry >>= 32;
            }

            if (carry != 0)
            {
                if (used == limbs.Length)
                {
                    return -1;
                }

                limbs[used++] = (uint)carry;
            }
        }

        int significant = 0;
        if (used > 0)
        {
            uint top = limbs[used - 1];
            significant = ((used - 1) * 4) + (top > 0xFFFFFF ? 4 : top > 0xFFFF ? 3 : top > 0xFF ? 2 : 1);
        }

        int total = leadingZeros + significant;
        return total <= maxBytes ? total : -1;
    }

    private static sbyte[] BuildMap()
    {
        var map = new sbyte[128];
        Array.Fill(map, (sbyte)-1);
        for (int i = 0; i < Alphabet.Length; i++)
        {
            map[Alphabet[i]] = (sbyte)i;
        }

        return map;
    }
}
