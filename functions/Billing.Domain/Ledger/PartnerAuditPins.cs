namespace Billing.Domain.Ledger;

/// <summary>
/// Evidence entries (<see cref="LedgerEntryKind.PartnerAuditPinned"/>) that pin partners' audit chains in the book, so
/// the ledger's anchors cover every partner's history, not only payers' up to their last invoice (docs/design.md §4.14).
/// No postings; one metadata value per partner, <c>auditPin.NN</c> = <c>{count} {head} {partner id}</c> (the id last:
/// it may hold spaces), at most <see cref="MaxPerEntry"/> partners and <see cref="MaxJsonCharsPerEntry"/> characters of JSON an entry. The id is
/// <c>partner-audit-pins:{SHA-256 of the pins}</c>, so booking the same pins again (a retried timer) is the same booking.
/// </summary>
public static class PartnerAuditPins
{
    public const string IdPrefix = "partner-audit-pins:";

    /// <summary>Partners pinned by one entry: one metadata value each.</summary>
    public const int MaxPerEntry = LedgerValidation.MaxMetadataEntries;

    /// <summary>
    /// The most characters an entry's pins take as JSON, as the ledger stores metadata: under a table property's 32,000
    /// (an entry over it is refused by storage on every tick) with room for the braces.
    /// </summary>
    public const int MaxJsonCharsPerEntry = 30_000;

    private const string KeyPrefix = "auditPin.";

    /// <summary>What a pin's value holds besides the partner id: a count (at most 19 digits), a hash and two spaces.</summary>
    private const int ValueOverhead = 19 + 64 + 2;

    /// <summary>The longest partner id a pin holds.</summary>
    private const int MaxIdLength = LedgerValidation.MaxMetadataValueLength - ValueOverhead;

    /// <summary>An entry that is (or was, before its kind was changed) an evidence entry: what verify checks its pins on.</summary>
    public static bool IsEvidence(LedgerEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Kind == LedgerEntryKind.PartnerAuditPinned || entry.EntryId.StartsWith(IdPrefix, StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="entryId"/> has the shape of an evidence entry's id (the prefix and a 64-hex-digit digest).</summary>
    public static bool IsId(string? entryId) =>
        entryId is not null && entryId.StartsWith(IdPrefix, StringComparison.Ordinal) && LedgerEncoding.IsHash(entryId[IdPrefix.Length..]);

    /// <summary>Whether a pin can name <paramref name="partnerId"/> (a well-formed string short enough for a metadata value).</summary>
    public static bool CanPin(string partnerId) =>
        !string.IsNullOrEmpty(partnerId) && partnerId.Length <= MaxIdLength && LedgerValidation.IsWellFormed(partnerId);

    /// <summary>
    /// The entries pinning <paramref name="pins"/> (in partner id order, <see cref="MaxPerEntry"/> an entry); the same
    /// pins give the same ids whatever their order.
    /// </summary>
    /// <exception cref="ArgumentException">A partner id <see cref="CanPin"/> refuses, or one partner twice.</exception>
    public static IReadOnlyList<LedgerEntryDraft> Drafts(IEnumerable<(string PartnerId, PartnerAuditPin Pin)> pins, DateTimeOffset occurredAt)
    {
        ArgumentNullException.ThrowIfNull(pins);
        var sorted = pins.OrderBy(p => p.PartnerId, StringComparer.Ordinal).ToList();
        for (int i = 0; i < sorted.Count; i++)
        {
            if (!CanPin(sorted[i].PartnerId) || (i > 0 && sorted[i].PartnerId == sorted[i - 1].PartnerId))
            {
                throw new ArgumentException($"partner id '{sorted[i].PartnerId}' cannot be pinned (not well-formed, too long, or twice)", nameof(pins));
            }
        }

        return [.. Chunks(sorted).Select(chunk => Draft(chunk, occurredAt))];
    }

    /// <summary>
    /// Consecutive runs of at most <see cref="MaxPerEntry"/> pins and <see cref="MaxJsonCharsPerEntry"/> characters of
    /// JSON: a long id of characters JSON escapes ("\u00E9" for 'é') takes up to 6 times its length.
    /// </summary>
    private static IEnumerable<(string PartnerId, PartnerAuditPin Pin)[]> Chunks(List<(string PartnerId, PartnerAuditPin Pin)> sorted)
    {
        var chunk = new List<(string, PartnerAuditPin)>();
        int chars = 0;
        foreach (var pin in sorted)
        {
            int cost = JsonChars(pin.PartnerId) + ValueOverhead + KeyPrefix.Length + 2 + 6; // the value; key; quotes, ':', ','
            if (chunk.Count == MaxPerEntry || (chunk.Count > 0 && chars + cost > MaxJsonCharsPerEntry))
            {
                yield return [.. chunk];
                (chunk, chars) = ([], 0);
            }

            chunk.Add(pin);
            chars += cost;
        }

        if (chunk.Count > 0)
        {
            yield return [.. chunk];
        }
    }

    /// <summary>At most the characters <paramref name="text"/> takes in a JSON string: 6 ("\uXXXX") for any but plain ASCII.</summary>
    private static int JsonChars(string text) => text.Sum(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-' or '_' or '.' ? 1 : 6);

    /// <summary>
    /// <paramref name="draft"/> under another evidence id, for when its own is taken (an index row planted under it, an
    /// entry booked otherwise): an id foreseen from the pins alone could otherwise keep them unbooked for good. A
    /// <paramref name="salt"/> nobody can foresee gives an id nobody can plant first.
    /// </summary>
    public static LedgerEntryDraft Resalted(LedgerEntryDraft draft, string salt)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(salt);
        string id = IdPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(draft.EntryId + " " + salt)));
        return new LedgerEntryDraft(id, draft.Kind, draft.OccurredAt, draft.Postings, draft.Metadata);
    }

    /// <summary>
    /// The pins in an entry's <paramref name="metadata"/>, by metadata key: the partner it names (null when the value names
    /// none) and its pin (null when the count or head cannot be read). Other keys are not pins.
    /// </summary>
    public static IReadOnlyList<(string Key, string? PartnerId, PartnerAuditPin? Pin)> Read(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        var read = new List<(string, string?, PartnerAuditPin?)>();
        foreach (var (key, value) in metadata.Where(m => m.Key.StartsWith(KeyPrefix, StringComparison.Ordinal)).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            string[] parts = (value ?? "").Split(' ', 3);
            string? partner = parts.Length == 3 && parts[2].Length > 0 ? parts[2] : null;
            var pin = parts.Length == 3 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out long count) ? PartnerAuditPin.Of(count, parts[1]) : null;
            read.Add((key, partner, pin));
        }

        return read;
    }

    private static LedgerEntryDraft Draft((string PartnerId, PartnerAuditPin Pin)[] pins, DateTimeOffset occurredAt)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int i = 0; i < pins.Length; i++)
        {
            var (id, pin) = pins[i];
            string value = string.Create(CultureInfo.InvariantCulture, $"{pin.Count} {pin.Head} {id}");
            metadata[string.Create(CultureInfo.InvariantCulture, $"{KeyPrefix}{i:D2}")] = value;
            // Length-prefixed, so no two pin lists digest the same bytes.
            digest.AppendData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{value.Length}:{value}")));
        }

        return new LedgerEntryDraft(IdPrefix + Convert.ToHexStringLower(digest.GetHashAndReset()), LedgerEntryKind.PartnerAuditPinned, occurredAt, [], metadata);
    }
}
