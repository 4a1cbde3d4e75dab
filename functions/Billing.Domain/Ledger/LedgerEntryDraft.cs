namespace Billing.Domain.Ledger;

/// <summary>
/// An entry before it joins a book: everything the caller decides. Validated on construction (throws
/// <see cref="LedgerValidationException"/>): at least 2 postings (none for evidence, <see cref="LedgerValidation.IsEvidence"/>), no zero amounts, postings of each asset sum to zero,
/// valid account and asset names, a printable entry id, small metadata. <see cref="OccurredAt"/> is kept in UTC.
/// </summary>
public sealed class LedgerEntryDraft
{
    public LedgerEntryDraft(
        string entryId,
        LedgerEntryKind kind,
        DateTimeOffset occurredAt,
        IEnumerable<Posting> postings,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(postings);
        Posting[] list = [.. postings];
        var meta = LedgerEntry.CopyMetadata(metadata);
        var problems = new List<string>(LedgerValidation.HeaderProblems(entryId, kind, meta));
        problems.AddRange(LedgerValidation.PostingProblems(list, kind));
        if (problems.Count > 0)
        {
            throw new LedgerValidationException(entryId ?? "", problems);
        }

        EntryId = entryId!;
        Kind = kind;
        OccurredAt = occurredAt.ToUniversalTime();
        Postings = Array.AsReadOnly(list);
        Metadata = meta;
    }

    /// <summary>Deterministic id given by the caller (e.g. <c>payment:evt_123</c>); appending the same id twice stores one entry.</summary>
    public string EntryId { get; }

    public LedgerEntryKind Kind { get; }

    public DateTimeOffset OccurredAt { get; }

    public IReadOnlyList<Posting> Postings { get; }

    /// <summary>Context (invoiceId, payer, stripeEventId, burnId, signature, …), keys in ordinal order.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
}
