namespace Billing.Domain.Ledger;

/// <summary>
/// Seals of ledger rows with keys storage does not hold (<c>Billing:Ledger:SealKey</c>): the hash chain shows a row was
/// changed, but anyone with table write access can append a well-formed, chained entry at the head (the hash is public);
/// a seal, HMAC-SHA256 under this deployment's key, tells the entries it wrote from those. A seal reads
/// <c>{keyId}:{hex HMAC}</c>: the key id (<see cref="KeyIdOf"/>) names the key without revealing it, so a seal made with a
/// retired key still verifies while new seals use the current one. An entry's seal covers its book, sequence and hash (the
/// hash covers everything else, the previous hash included), so it cannot be moved to another entry or book; the index
/// cursor's covers what it claims. Never logged: the keys are secrets.
/// </summary>
public sealed class LedgerSealKeys
{
    /// <summary>The least key length, in bytes.</summary>
    public const int MinKeyBytes = 32;

    /// <summary>
    /// The fixed key of local runs (base64; it is public, in the README): accepted only against tables on this machine, where
    /// anyone who can write the tables can read the settings too.
    /// </summary>
    public const string LocalKey = "bG9jYWwtcnVucy1vbmx5OiBsZWRnZXIgc2VhbCBrZXkgb2YgdGhlIHN0b3JhZ2UgZW11bGF0b3I=";

    private const string EntryLabel = "billing-ledger-entry-seal/v1";
    private const string CursorLabel = "billing-ledger-index-cursor-seal/v1";
    private const string KeyIdLabel = "billing-ledger-seal-key-id/v1";

    private readonly byte[] current;
    private readonly Dictionary<string, byte[]> byId = new(StringComparer.Ordinal);

    /// <param name="current">The key new seals are made with.</param>
    /// <param name="retired">Keys whose seals still verify (rotation), none of them used for new seals.</param>
    public LedgerSealKeys(byte[] current, IEnumerable<byte[]> retired)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(retired);
        ArgumentOutOfRangeException.ThrowIfLessThan(current.Length, MinKeyBytes, nameof(current));
        this.current = [.. current];
        CurrentKeyId = KeyIdOf(current);
        byId[CurrentKeyId] = this.current;
        foreach (byte[] key in retired)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(key.Length, MinKeyBytes, nameof(retired));
            byId.TryAdd(KeyIdOf(key), [.. key]);
        }
    }

    /// <summary>The keys of local runs (<see cref="LocalKey"/>, nothing retired).</summary>
    public static LedgerSealKeys Local { get; } = new(Convert.FromBase64String(LocalKey), []);

    /// <summary>The id of the key new seals are made with.</summary>
    public string CurrentKeyId { get; }

    /// <summary>The first 8 hex digits of SHA-256 over a label and <paramref name="key"/>: names the key, reveals nothing of it.</summary>
    public static string KeyIdOf(ReadOnlySpan<byte> key)
    {
        byte[] label = Encoding.UTF8.GetBytes(KeyIdLabel);
        byte[] input = new byte[label.Length + 1 + key.Length];
        label.CopyTo(input, 0);
        input[label.Length] = (byte)'|';
        key.CopyTo(input.AsSpan(label.Length + 1));
        return Convert.ToHexStringLower(SHA256.HashData(input))[..8];
    }

    /// <summary>The seal of the entry at <paramref name="sequence"/> of <paramref name="book"/> whose hash is <paramref name="hash"/>.</summary>
    public string SealEntry(string book, long sequence, string hash) => Make(current, CurrentKeyId, EntryMessage(book, sequence, hash));

    /// <summary>What <paramref name="seal"/> (null or empty: none) says of that entry.</summary>
    public EntrySealState CheckEntry(string? seal, string book, long sequence, string hash) => Check(seal, EntryMessage(book, sequence, hash));

    /// <summary>The seal of a book's index cursor: how far it says the index is whole, that entry's hash, and whether complete.</summary>
    public string SealCursor(string book, long indexedThrough, string hash, bool complete) =>
        Make(current, CurrentKeyId, CursorMessage(book, indexedThrough, hash, complete));

    /// <summary>What <paramref name="seal"/> says of that cursor.</summary>
    public EntrySealState CheckCursor(string? seal, string book, long indexedThrough, string hash, bool complete) =>
        Check(seal, CursorMessage(book, indexedThrough, hash, complete));

    /// <summary>The key id a seal names; null when it has none.</summary>
    public static string? KeyIdIn(string? seal) => seal is not null && seal.IndexOf(':', StringComparison.Ordinal) is > 0 and int at ? seal[..at] : null;

    private static string Make(byte[] key, string keyId, byte[] message) => keyId + ":" + Convert.ToHexStringLower(HMACSHA256.HashData(key, message));

    private EntrySealState Check(string? seal, byte[] message)
    {
        if (string.IsNullOrEmpty(seal))
        {
            return EntrySealState.Unsealed;
        }

        if (KeyIdIn(seal) is not { } keyId || !byId.TryGetValue(keyId, out byte[]? key))
        {
            return EntrySealState.Invalid;
        }

        byte[] expected = Encoding.ASCII.GetBytes(Make(key, keyId, message));
        byte[] found = Encoding.UTF8.GetBytes(seal);
        return CryptographicOperations.FixedTimeEquals(expected, found) ? EntrySealState.Sealed : EntrySealState.Invalid;
    }

    // Length-prefixed text: no book name can make two different rows read the same.
    private static byte[] EntryMessage(string book, long sequence, string hash) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{EntryLabel}|{book.Length}:{book}|{sequence}|{hash.Length}:{hash}"));

    private static byte[] CursorMessage(string book, long indexedThrough, string hash, bool complete) => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{CursorLabel}|{book.Length}:{book}|{indexedThrough}|{hash.Length}:{hash}|{(complete ? "complete" : "partial")}"));
}
