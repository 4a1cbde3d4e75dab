namespace Billing.Solana.Keys;

/// <summary>Bitcoin-alphabet base58, the text form of Solana keys, signatures and blockhashes.</summary>
public static class Base58
{
    public const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    public static string Encode(ReadOnlySpan<byte> data) => SimpleBase.Base58.Bitcoin.Encode(data);

    public static byte[] Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SimpleBase.Base58.Bitcoin.Decode(text);
    }

    public static bool TryDecode(string text, out byte[] bytes)
    {
        try
        {
            bytes = Decode(text);
            return true;
        }
        catch (ArgumentException)
        {
            bytes = [];
            return false;
        }
    }
}
