namespace Billing.Domain.Definitions;

/// <summary>
/// Checks an H3 cell index as text: 15 lowercase hex digits of the 64-bit index (the top digit, 0, is not written),
/// reserved bit 0, mode 1 (cell), reserved edge bits 0, a base cell below 122, digits 0-6 up to the resolution and 7
/// after it. The pentagon rule (no leading 1 digit in a pentagon's cells) is not checked.
/// </summary>
public static class H3Index
{
    public static bool IsValidCell(ReadOnlySpan<byte> utf8, int? resolution)
    {
        if (utf8.Length != 15)
        {
            return false;
        }

        foreach (byte b in utf8)
        {
            if (b is not ((>= (byte)'0' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f')))
            {
                return false;
            }
        }

        Span<char> chars = stackalloc char[15];
        for (int i = 0; i < 15; i++)
        {
            chars[i] = (char)utf8[i];
        }

        ulong index = ulong.Parse(chars, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
        int res = (int)((index >> 52) & 0xF);
        if ((index >> 63) != 0 || ((index >> 59) & 0xF) != 1 || ((index >> 56) & 0x7) != 0 || ((index >> 45) & 0x7F) >= 122
            || (resolution is { } r && r != res))
        {
            return false;
        }

        for (int digit = 1; digit <= 15; digit++)
        {
            ulong d = (index >> ((15 - digit) * 3)) & 0x7;
            if (digit <= res ? d == 7 : d != 7)
            {
                return false;
            }
        }

        return true;
    }
}
