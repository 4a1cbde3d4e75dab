namespace Billing.Functions.Http;

/// <summary>
/// The <c>Content-Disposition</c> of a download (RFC 6266). Invoice file names carry the payer's id, which settings let
/// hold '"', '\', '%' or non-ASCII letters: written into a quoted filename as they are, they broke the header (a '"'
/// ended the name early) or the answer (a header holds no non-ASCII: a 500). So <c>filename</c> holds printable ASCII
/// alone (any other character '_'), and when that is not the name itself, <c>filename*</c> (RFC 8187) holds the exact
/// name in UTF-8, which clients prefer. A name of plain characters is answered as before.
/// </summary>
public static class AttachmentDisposition
{
    public static string For(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        string fallback = string.Create(fileName.Length, fileName, static (chars, name) =>
        {
            for (int i = 0; i < name.Length; i++)
            {
                // '%' too: some clients decode "%41" in filename (RFC 6266 appendix D).
                chars[i] = name[i] is >= ' ' and <= '~' and not ('"' or '\\' or '%') ? name[i] : '_';
            }
        });
        return fallback == fileName
            ? $"attachment; filename=\"{fileName}\""
            : $"attachment; filename=\"{fallback}\"; filename*=UTF-8''{Uri.EscapeDataString(fileName)}";
    }
}
