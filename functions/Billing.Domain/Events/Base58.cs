namespace Billing.Domain.Events;

/// <summary>Bitcoin-alphabet base58 decoding, enough to check that a hotspot id is a 32-byte key.</summary>
public static class Base58
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static readonly sbyte[] Map = BuildMap();

    /// <summary>Returns the decoded length, or -1 when the text is not base58 or decodes to more than <paramref name="maxBytes"/>.</summary>
    public static int DecodedLength(string text, int maxBytes = 64)
    {
        if (text.Length == 0 || text.Length > maxBytes * 2)
        {
            return -1;
        }

        Span<byte> buffer = stackalloc byte[maxBytes];
        int length = 0; // significant bytes, little-endian in buffer
        int leadingZeros = 0;
        bool leading = true;
        foreach (char c in text)
        {
            int digit = c < 128 ? Map[c] : -1;
            if (digit < 0)
            {
                return -1;
            }

            if (leading && digit == 0)
            {
                leadingZeros++;
                continue;
            }

            leading = false;
            int carry = digit;
            for (int i = 0; i < length; i++)
            {
                carry += buffer[i] * 58;
                buffer[i] = (byte)(carry & 0xFF);
                carry >>= 8;
            }

            while (carry > 0)
            {
                if (length == maxBytes)
                {
                    return -1;
                }

                buffer[length++] = (byte)(carry & 0xFF);
                carry >>= 8;
            }
        }

        int total = leadingZeros + length;
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
