using Billing.Domain.Text;
using System.Buffers.Binary;

namespace Billing.Domain.Ledger;

/// <summary>
/// The canonical encoding an entry's hash is computed over (version 1). Every value is written as a <b>field</b>:
/// its UTF-8 bytes (strict: unpaired surrogates are rejected) prefixed by their length as a 4-byte big-endian unsigned
/// integer. Integers are written as fields holding their invariant decimal text (<c>-</c> for negatives, no leading
/// zeros, no sign for positives). The fields, in this order:
/// <list type="number">
/// <item><c>billing:ledger-entry:v1</c> (the version tag)</item>
/// <item>book</item>
/// <item>sequence (decimal)</item>
/// <item>entry id</item>
/// <item>kind, by name (e.g. <c>PaymentReceived</c>)</item>
/// <item>occurredAt as UTC ticks (100 ns since 0001-01-01T00:00:00Z, decimal)</item>
/// <item>previous hash (64 lower-case hex digits)</item>
/// <item>number of postings (decimal), then per posting, sorted by account, then asset (ordinal), then amount:
/// account, asset, amount (decimal, debit positive)</item>
/// <item>number of metadata entries (decimal), then per entry, sorted by key (ordinal): key, value</item>
/// </list>
/// The hash is the lower-case hex SHA-256 of the concatenated fields. Length prefixes make the encoding injective:
/// no two different entries encode to the same bytes.
/// </summary>
public static class LedgerEncoding
{
    public const string VersionTag = "billing:ledger-entry:v1";

    public static byte[] Encode(
        string book,
        long sequence,
        string entryId,
        LedgerEntryKind kind,
        DateTimeOffset occurredAt,
        string previousHash,
        IReadOnlyList<Posting> postings,
        IReadOnlyDictionary<string, string> metadata)
    {
        using var buffer = new MemoryStream(256);
        Field(buffer, VersionTag);
        Field(buffer, book);
        Field(buffer, Decimal(sequence));
        Field(buffer, entryId);
        Field(buffer, kind.ToString());
        Field(buffer, Decimal(occurredAt.UtcTicks));
        Field(buffer, previousHash);
        Field(buffer, Decimal(postings.Count));
        foreach (Posting p in SortPostings(postings))
        {
            Field(buffer, p.Account);
            Field(buffer, p.Asset);
            Field(buffer, Decimal(p.Amount));
        }

        Field(buffer, Decimal(metadata.Count));
        foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            Field(buffer, key);
            Field(buffer, value);
        }

        return buffer.ToArray();
    }

    /// <summary>The entry hash of an <see cref="Encode"/>d entry: lower-case hex SHA-256.</summary>
    public static string Hash(ReadOnlySpan<byte> encoding) => Convert.ToHexStringLower(SHA256.HashData(encoding));

    /// <summary>Postings in canonical order: account, then asset (ordinal), then amount.</summary>
    public static IEnumerable<Posting> SortPostings(IEnumerable<Posting> postings) =>
        postings.OrderBy(p => p.Account, StringComparer.Ordinal).ThenBy(p => p.Asset, StringComparer.Ordinal).ThenBy(p => p.Amount);

    /// <summary>True for 64 lower-case hex digits.</summary>
    public static bool IsHash(string? value)
    {
        if (value is null || value.Length != 64)
        {
            return false;
        }

        foreach (char c in value)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Decimal(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static void Field(MemoryStream buffer, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        byte[] bytes;
        try
        {
            bytes = StrictUtf8.Encoding.GetBytes(value);
        }
        catch (EncoderFallbackException e)
        {
            throw new ArgumentException("A ledger field holds an unpaired surrogate and has no UTF-8 encoding.", e);
        }

        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, checked((uint)bytes.Length));
        buffer.Write(length);
        buffer.Write(bytes);
    }
}
