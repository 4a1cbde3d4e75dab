namespace Billing.Solana.Keys;

/// <summary>Bitcoin-alphabet base58, the text form of Solana keys, signatures and blockhashes.</summary>
public static class Base58
{
    public const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    public static string Encode(ReadOnlySpan<byte> data) => SimpleBase.Base58.Bitcoin.Encode(data);

    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create(Alphabet);

    /// <summary>Decodes base58 text; any character outside the alphabet (including non-ASCII) throws <see cref="ArgumentException"/>.</summary>
    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int bad = text.AsSpan().IndexOfAnyExcept(Digits);
        if (bad >= 0)
        {
            // Checked here because the decoder indexes its lookup table by character and throws IndexOutOfRange beyond ASCII.
            throw new ArgumentException($"Invalid base58 character at position {bad}.", nameof(text));
        }

        return SimpleBase.Base58.Bitcoin.Decode(text);
    }

    /// <summary>False (never an exception) for null, empty or text with any character outside the alphabet.</summary>
    public static bool TryDecode(string? text, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(text) || text.AsSpan().IndexOfAnyExcept(Digits) >= 0)
        {
            return false;
        }

        try
        {
            bytes = SimpleBase.Base58.Bitcoin.Decode(text);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
