using System.Buffers.Binary;

namespace Billing.Storage;

/// <summary>
/// The hash chain over one partner's audit trail (version 1). An entry's hash is the lower-case hex SHA-256 of its
/// canonical encoding: a sequence of fields, each its UTF-8 bytes prefixed by their length (4-byte big-endian), so no
/// two different entries encode alike. The fields, in order: <c>billing:partner-audit:v1</c>, previous hash, sequence
/// (decimal), id,
/// partner id, actor, time (UTC ticks, decimal), action, number of changes (decimal), then per change in stored order:
/// field, before, after — a value as <c>-</c> when unset, else <c>=</c> followed by the text, so null and "" differ.
/// The first entry of a partner chains from <see cref="GenesisHash"/>; the partner row keeps the head (last hash, count).
/// </summary>
public static class PartnerAuditChain
{
    public const string VersionTag = "billing:partner-audit:v1";

    /// <summary>The previous hash of a partner's first entry: 64 zeros.</summary>
    public static readonly string GenesisHash = new('0', 64);

    /// <summary>
    /// The change that commits an entry issuing a key (its <c>keyId</c> change) to that key: <see cref="KeyDigest"/> of its
    /// stored hash. Audited so that a hash swapped under a key id on the partner row shows in verification.
    /// </summary>
    public const string KeyDigestField = "keyDigest";

    /// <summary>
    /// The change of a key rotation stating until when the keys it kept work (none: null), to the second; verification holds
    /// the row's retired keys to it, so an expiry moved later on the row shows.
    /// </summary>
    public const string PreviousKeysValidUntilField = "previousKeysValidUntil";

    /// <summary>The change of the providers a payer lets bill it (<see cref="Partner.Providers"/>), as <see cref="ProvidersText"/> gives them.</summary>
    public const string ProvidersField = "providers";

    /// <summary>
    /// The providers as an audit value and as stored: a JSON array of the ids in their order (ids may hold commas, so no
    /// plainer list would be unambiguous); null for none, which is also what a row written before grants existed holds.
    /// </summary>
    public static string? ProvidersText(IReadOnlyList<string> providers)
    {
        ArgumentNullException.ThrowIfNull(providers);
        return providers.Count == 0 ? null : new System.Text.Json.Nodes.JsonArray([.. providers.Select(p => (System.Text.Json.Nodes.JsonNode?)p)]).ToJsonString();
    }

    /// <summary>
    /// A one-way, domain-separated digest of a key's stored hash (SHA-256 of <c>billing:partner-key:v1</c>, a newline and
    /// the hash): the audit names which key was issued without holding the hash the registry authenticates with.
    /// </summary>
    public static string KeyDigest(string keyHash)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("billing:partner-key:v1\n" + keyHash)));
    }

    /// <summary>The hash of <paramref name="entry"/> chained after <paramref name="previousHash"/>; null when a field has no UTF-8 encoding (a lone surrogate).</summary>
    public static string? Hash(PartnerAuditEntry entry, string previousHash)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(previousHash);
        using var buffer = new MemoryStream(256);
        try
        {
            Field(buffer, VersionTag);
            Field(buffer, previousHash);
            Field(buffer, entry.Sequence.ToString(CultureInfo.InvariantCulture));
            Field(buffer, entry.Id);
            Field(buffer, entry.PartnerId);
            Field(buffer, entry.Actor);
            Field(buffer, entry.At.UtcTicks.ToString(CultureInfo.InvariantCulture));
            Field(buffer, entry.Action);
            Field(buffer, entry.Changes.Count.ToString(CultureInfo.InvariantCulture));
            foreach (var change in entry.Changes)
            {
                Field(buffer, change.Field);
                Field(buffer, Value(change.Before));
                Field(buffer, Value(change.After));
            }
        }
        catch (EncoderFallbackException)
        {
            return null;
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>
    /// The entries chained one after the other after the partner's head: <paramref name="previousHash"/> (null: genesis)
    /// and <paramref name="previousCount"/> entries so far.
    /// </summary>
    public static IReadOnlyList<PartnerAuditEntry> Link(IEnumerable<PartnerAuditEntry> entries, string? previousHash, long? previousCount)
    {
        ArgumentNullException.ThrowIfNull(entries);
        string previous = previousHash ?? GenesisHash;
        long sequence = previousCount ?? 0;
        var linked = new List<PartnerAuditEntry>();
        foreach (var entry in entries)
        {
            var chained = entry with { Sequence = ++sequence, PreviousHash = previous };
            string hash = Hash(chained, previous) ?? throw new ArgumentException($"audit entry {entry.Id} holds text without a UTF-8 encoding", nameof(entries));
            linked.Add(chained with { Hash = hash });
            previous = hash;
        }

        return linked;
    }

    private static string Value(string? value) => value is null ? "-" : "=" + value;

    private static void Field(MemoryStream buffer, string value)
    {
        byte[] bytes = StrictUtf8.Encoding.GetBytes(value);
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, checked((uint)bytes.Length));
        buffer.Write(length);
        buffer.Write(bytes);
    }
}
