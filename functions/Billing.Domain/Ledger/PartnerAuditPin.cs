namespace Billing.Domain.Ledger;

/// <summary>
/// A partner's audit chain as it stood when an entry was booked: its entry count and the hash of its last entry. An
/// invoice's ledger entry carries its payer's (<see cref="CountKey"/>, <see cref="HeadKey"/>), so once that entry is
/// anchored on Solana the partner history it was billed under can no longer be rewritten unnoticed, even by someone who
/// recomputes the whole audit chain in storage: <c>partners verify</c> checks that entry <see cref="Count"/> of the chain
/// still has hash <see cref="Head"/> (docs/design.md §4.14).
/// </summary>
public sealed record PartnerAuditPin(long Count, string Head)
{
    public const string CountKey = "payerAuditCount";
    public const string HeadKey = "payerAuditHead";

    /// <summary>The pin in <paramref name="metadata"/>; null when the entry has none (booked before pins, or the payer had no audit chain).</summary>
    /// <exception cref="FormatException">One key is present but the pair is not a count of 1 or more and a 64-hex-digit hash.</exception>
    public static PartnerAuditPin? Read(IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        bool hasCount = metadata.TryGetValue(CountKey, out string? count), hasHead = metadata.TryGetValue(HeadKey, out string? head);
        if (!hasCount && !hasHead)
        {
            return null;
        }

        return (long.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? Of(n, head) : null)
            ?? throw new FormatException($"{CountKey} '{count}' and {HeadKey} '{head}' are not a count of 1 or more and a 64-hex-digit hash");
    }

    /// <summary>The pin of a chain of <paramref name="count"/> entries ending in <paramref name="head"/>; null unless the count is 1 or more and the head a 64-hex-digit hash.</summary>
    public static PartnerAuditPin? Of(long? count, string? head) =>
        count >= 1 && LedgerEncoding.IsHash(head) ? new PartnerAuditPin(count.Value, head!) : null;

    /// <summary>Adds the pin to an entry's <paramref name="metadata"/>.</summary>
    public void WriteTo(IDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        metadata[CountKey] = Count.ToString(CultureInfo.InvariantCulture);
        metadata[HeadKey] = Head;
    }
}
