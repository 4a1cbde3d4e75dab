using System.Text;

namespace Billing.Cli.Generation;

/// <summary>Bitcoin-alphabet base58 (Solana public keys), leading zero bytes as '1'.</summary>
public static class Base58
{
    private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        int zeros = 0;
        while (zeros < bytes.Length && bytes[zeros] == 0)
        {
            zeros++;
        }

        // base-256 → base-58 by repeated division, digits little-endian
        var digits = new List<byte>(bytes.Length * 138 / 100 + 1);
        for (int i = zeros; i < bytes.Length; i++)
        {
            int carry = bytes[i];
            for (int j = 0; j < digits.Count; j++)
            {
                carry += digits[j] << 8;
                digits[j] = (byte)(carry % 58);
                carry /= 58;
            }

            while (carry > 0)
            {
                digits.Add((byte)(carry % 58));
                carry /= 58;
            }
        }

        var sb = new StringBuilder(zeros + digits.Count);
        sb.Append('1', zeros);
        for (int i = digits.Count - 1; i >= 0; i--)
        {
            sb.Append(Alphabet[digits[i]]);
        }

        return sb.ToString();
    }

    public static byte[] Decode(string text)
    {
        int zeros = 0;
        while (zeros < text.Length && text[zeros] == '1')
        {
            zeros++;
        }

        var bytes = new List<byte>();
        for (int i = zeros; i < text.Length; i++)
        {
            int carry = Alphabet.IndexOf(text[i], StringComparison.Ordinal);
            if (carry < 0)
            {
                throw new FormatException($"'{text[i]}' is not a base58 character");
            }

            for (int j = 0; j < bytes.Count; j++)
            {
                carry += bytes[j] * 58;
                bytes[j] = (byte)(carry & 0xff);
                carry >>= 8;
            }

            while (carry > 0)
            {
                bytes.Add((byte)(carry & 0xff));
                carry >>= 8;
            }
        }

        var result = new byte[zeros + bytes.Count];
        for (int i = 0; i < bytes.Count; i++)
        {
            result[result.Length - 1 - i] = bytes[i];
        }

        return result;
    }
}
