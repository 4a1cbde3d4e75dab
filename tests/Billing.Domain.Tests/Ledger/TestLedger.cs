namespace Billing.Domain.Tests.Ledger;

/// <summary>Builds small valid chains for tests.</summary>
internal static class TestLedger
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static LedgerEntryDraft Payment(int i, long amount = 1_000) =>
        LedgerEntries.PaymentReceived($"evt_{i}", $"INV-payer-{i % 3}-202610", $"payer-{i % 3}", amount + i, "USD", T0.AddMinutes(i))!;

    public static List<LedgerEntry> Chain(int count, string book = "main")
    {
        var list = new List<LedgerEntry>(count);
        string previous = LedgerEntry.GenesisHash;
        for (int i = 1; i <= count; i++)
        {
            LedgerEntry e = LedgerEntry.Seal(book, i, previous, Payment(i));
            list.Add(e);
            previous = e.Hash;
        }

        return list;
    }

    /// <summary>A copy with some fields replaced; the stored hash stays unless given (as a tamperer who cannot rehash would leave it).</summary>
    public static LedgerEntry With(
        LedgerEntry e,
        long? sequence = null,
        IEnumerable<Posting>? postings = null,
        string? previousHash = null,
        string? hash = null,
        IReadOnlyDictionary<string, string>? metadata = null) =>
        new(e.Book, sequence ?? e.Sequence, e.EntryId, e.Kind, e.OccurredAt, postings ?? e.Postings, metadata ?? e.Metadata, previousHash ?? e.PreviousHash, hash ?? e.Hash);

    /// <summary>The same entry with its hash recomputed after the change (a tamperer who rehashes).</summary>
    public static LedgerEntry Rehashed(LedgerEntry e)
    {
        var tmp = With(e, hash: "");
        return With(e, hash: tmp.ComputeHash());
    }
}
