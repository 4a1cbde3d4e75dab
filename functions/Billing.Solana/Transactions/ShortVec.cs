namespace Billing.Solana.Transactions;

/// <summary>Solana's compact-u16 length prefix: 7 bits per byte, little-endian, high bit = continuation.</summary>
public static class ShortVec
{
    public const int MaxEncodedLength = 3;

    public static int Encode(int value, Span<byte> destination)
    {
        if (value is < 0 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "compact-u16 values must fit in 16 bits.");
        }

        var remaining = (uint)value;
        var written = 0;
        while (true)
        {
            var b = (byte)(remaining & 0x7f);
            remaining >>= 7;
            if (remaining == 0)
            {
                destination[written++] = b;
                return written;
            }

            destination[written++] = (byte)(b | 0x80);
        }
    }

    public static void Write(Stream stream, int value)
    {
        Span<byte> buffer = stackalloc byte[MaxEncodedLength];
        stream.Write(buffer[..Encode(value, buffer)]);
    }

    /// <summary>Decodes a compact-u16; returns the value and the number of bytes consumed.</summary>
    public static (int Value, int Length) Decode(ReadOnlySpan<byte> source)
    {
        var value = 0;
        for (var i = 0; i < MaxEncodedLength; i++)
        {
            if (i >= source.Length)
            {
                throw new FormatException("Truncated compact-u16.");
            }

            var b = source[i];
            value |= (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (value > ushort.MaxValue || (i > 0 && b == 0))
                {
                    throw new FormatException("Non-canonical or oversized compact-u16.");
                }

                return (value, i + 1);
            }
        }

        throw new FormatException("compact-u16 longer than 3 bytes.");
    }
}
