namespace Billing.Application.Ledger;

/// <summary>
/// What verify read of the book's format (<see cref="BookFormat"/>): its change-over (the first entry marking it), the backfill
/// claims (<see cref="BookFormat.BackfilledBelow"/>), and the credit-note entries of the older shape (refunded part credited
/// to cash:stripe). The claims are checked against the index rows (LedgerAudit.Index.cs) and the notes against the change-over.
/// </summary>
internal sealed class BookFormatFacts
{
    /// <summary>The problem kind of an evidence entry whose claim the book contradicts.</summary>
    public const string ClaimFalse = "BookFormatClaimFalse";

    private readonly List<LedgerEntry> olderShape = [];
    private readonly List<(LedgerEntry Entry, long Below)> claims = [];
    private readonly HashSet<long> marked = [];
    private bool firstSealed;

    /// <summary>The sequence of the change-over entry; null when the book has none (written before, all of it).</summary>
    public long? ChangeOver { get; private set; }

    public void Add(LedgerEntry entry)
    {
        if (BookFormat.Marks(entry))
        {
            marked.Add(entry.Sequence);
            firstSealed |= entry.Sequence == 1 && entry.IsSealed;
            ChangeOver = ChangeOver is { } known ? Math.Min(known, entry.Sequence) : entry.Sequence;
        }

        if (BookFormat.BackfilledBelow(entry) is { } below)
        {
            claims.Add((entry, below));
        }

        if (entry.Kind is LedgerEntryKind.CreditNoteIssued or LedgerEntryKind.CreditNoteVoided && CreditNoteEntries.RefundedToCash(entry))
        {
            olderShape.Add(entry);
        }
    }

    /// <summary>
    /// The backfill claims that count: sealed by this deployment (as the burn hold requires, <see cref="LedgerStore.IsIndexCompleteAsync"/>),
    /// appended after the change-over they name, which is an entry marking it. A claim naming another sequence says nothing
    /// of this book's index; an unsealed one was written before seals or planted (verify reports it EntryUnsealed).
    /// </summary>
    public IEnumerable<(LedgerEntry Entry, long Below)> Claims => claims.Where(c => c.Entry.IsSealed && marked.Contains(c.Below) && c.Entry.Sequence > c.Below);

    /// <summary>
    /// Below which sequence the chain says every entry has its index rows: 1 for none, the change-over when the book was
    /// created so (and its entry 1 is sealed; else a sealed claim is needed, as for burns).
    /// </summary>
    public long IndexedBelow => Math.Max(ChangeOver == 1 && firstSealed ? 1 : 0, Claims.Select(c => c.Below).DefaultIfEmpty(0).Max());

    /// <summary>
    /// Credit-note entries of the older shape at or after the change-over: the change-over says none are, but the void of a note
    /// issued before it (which reverses what its issue posted).
    /// </summary>
    public IEnumerable<AuditProblem> OlderShapeAfterChangeOver()
    {
        string voidPrefix = CreditNoteEntries.VoidedId("");
        var issuedBefore = olderShape.Where(e => e.Kind == LedgerEntryKind.CreditNoteIssued && e.Sequence < ChangeOver).Select(e => e.EntryId).ToHashSet(StringComparer.Ordinal);
        return olderShape
            .Where(e => e.Sequence >= ChangeOver)
            .Where(e => !(e.Kind == LedgerEntryKind.CreditNoteVoided && e.EntryId.StartsWith(voidPrefix, StringComparison.Ordinal)
                && issuedBefore.Contains(CreditNoteEntries.IssuedId(e.EntryId[voidPrefix.Length..]))))
            .Select(e => new AuditProblem(ClaimFalse, e.EntryId, string.Create(CultureInfo.InvariantCulture,
            $"{e.Kind} #{e.Sequence} credits the refunded part to {Accounts.CashStripe}, the shape of before the book's change-over at sequence {ChangeOver} (from which on credit notes clear refunds through {Accounts.ClearingRefunds}): rewritten, or booked outside the platform; ledger reconcile compares it with its credit note")));
    }
}
