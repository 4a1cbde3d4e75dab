namespace Billing.Storage;

/// <summary>Splits text into pieces that fit a string property, never between the two halves of a surrogate pair.</summary>
public static class TextChunks
{
    public static IEnumerable<string> Split(string text, int maxChars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 2);
        for (int offset = 0; offset < text.Length;)
        {
            int length = Math.Min(maxChars, text.Length - offset);
            if (offset + length < text.Length && char.IsHighSurrogate(text[offset + length - 1]))
            {
                length--; // keep the pair together: a lone surrogate is not valid text for the service
            }

            yield return text.Substring(offset, length);
            offset += length;
        }
    }
}
