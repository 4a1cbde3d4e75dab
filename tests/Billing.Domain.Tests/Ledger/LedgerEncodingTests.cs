using System.Buffers.Binary;

namespace Billing.Domain.Tests.Ledger;

public class LedgerEncodingTests
{
    // The documented input (see LedgerEncoding): book "main", sequence 1, id "payment:evt_123", kind PaymentReceived,
    // 2026-10-31T12:00:00Z, genesis previous hash, Dr cash:stripe USD 12345 / Cr receivable:carrier-tmo USD 12345,
    // metadata invoiceId=INV-carrier-tmo-202610, stripeEventId=evt_123.
    private static readonly DateTimeOffset Instant = new(2026, 10, 31, 12, 0, 0, TimeSpan.Zero);

    // Computed independently (Python: hashlib.sha256 over the same length-prefixed fields); any change to the encoding breaks stored chains and must bump the version tag.
    private const string PinnedHash = "10dc60f115d7fb0d1273b8514f1dbbbf41e73d24993217dc73b268d5ab72a986";

    private static LedgerEntryDraft DocumentedDraft() => new(
        "payment:evt_123",
        LedgerEntryKind.PaymentReceived,
        Instant,
        [new Posting("receivable:carrier-tmo", "USD", -12345), new Posting("cash:stripe", "USD", 12345)],
        new Dictionary<string, string> { ["stripeEventId"] = "evt_123", ["invoiceId"] = "INV-carrier-tmo-202610" });

    /// <summary>The encoding written out by hand, independently of <see cref="LedgerEncoding"/>.</summary>
    private static byte[] HandEncoded()
    {
        var bytes = new List<byte>();
        void Field(string s)
        {
            byte[] utf8 = Encoding.UTF8.GetBytes(s);
            var len = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(len, (uint)utf8.Length);
            bytes.AddRange(len);
            bytes.AddRange(utf8);
        }

        Field("billing:ledger-entry:v1");
        Field("main");
        Field("1");
        Field("payment:evt_123");
        Field("PaymentReceived");
        Field("639290448000000000"); // UTC ticks of 2026-10-31T12:00:00Z
        Field(new string('0', 64));
        Field("2");
        Field("cash:stripe");
        Field("USD");
        Field("12345");
        Field("receivable:carrier-tmo");
        Field("USD");
        Field("-12345");
        Field("2");
        Field("invoiceId");
        Field("INV-carrier-tmo-202610");
        Field("stripeEventId");
        Field("evt_123");
        return [.. bytes];
    }

    [Fact]
    public void Hash_DocumentedInput_EqualsHandEncodedSha256AndPinnedValue()
    {
        Assert.Equal(639290448000000000L, Instant.UtcTicks);
        LedgerEntry entry = LedgerEntry.Seal("main", 1, LedgerEntry.GenesisHash, DocumentedDraft());

        string independent = Convert.ToHexStringLower(SHA256.HashData(HandEncoded()));

        Assert.Equal(HandEncoded(), LedgerEncoding.Encode(entry.Book, entry.Sequence, entry.EntryId, entry.Kind, entry.OccurredAt, entry.PreviousHash, entry.Postings, entry.Metadata));
        Assert.Equal(independent, entry.Hash);
        Assert.Equal(PinnedHash, entry.Hash);
        Assert.True(entry.HashIsValid);
    }

    public static TheoryData<string> Mutations => new()
    {
        "book", "sequence", "entryId", "kind", "occurredAt", "previousHash", "amount", "account", "asset", "metadataValue", "metadataKey", "metadataAdded", "postingAdded",
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public void Hash_AnyFieldChanged_HashChanges(string field)
    {
        LedgerEntry e = LedgerEntry.Seal("main", 1, LedgerEntry.GenesisHash, DocumentedDraft());
        var meta = e.Metadata.ToDictionary();
        Posting[] postings = [.. e.Postings];
        string book = e.Book, id = e.EntryId, prev = e.PreviousHash;
        long seq = e.Sequence;
        LedgerEntryKind kind = e.Kind;
        DateTimeOffset at = e.OccurredAt;
        switch (field)
        {
            case "book": book = "main2"; break;
            case "sequence": seq = 2; break;
            case "entryId": id = "payment:evt_124"; break;
            case "kind": kind = LedgerEntryKind.Adjustment; break;
            case "occurredAt": at = at.AddTicks(1); break;
            case "previousHash": prev = "0" + new string('1', 63); break;
            case "amount": postings = [postings[0] with { Amount = 12346 }, postings[1] with { Amount = -12346 }]; break;
            case "account": postings = [postings[0], postings[1] with { Account = "receivable:carrier-tmx" }]; break;
            case "asset": postings = [postings[0] with { Asset = "EUR" }, postings[1] with { Asset = "EUR" }]; break;
            case "metadataValue": meta["invoiceId"] = "INV-carrier-tmo-202611"; break;
            case "metadataKey": meta["invoiceID"] = meta["invoiceId"]; meta.Remove("invoiceId"); break;
            case "metadataAdded": meta["note"] = ""; break;
            case "postingAdded": postings = [.. postings, new Posting("a:b", "TOKEN", 1), new Posting("a:c", "TOKEN", -1)]; break;
            default: throw new ArgumentOutOfRangeException(nameof(field));
        }

        var changed = new LedgerEntry(book, seq, id, kind, at, postings, meta, prev, e.Hash);

        Assert.NotEqual(e.Hash, changed.ComputeHash());
        Assert.False(changed.HashIsValid);
    }

    [Fact]
    public void Hash_PostingAndMetadataInputOrder_DoesNotMatter()
    {
        LedgerEntry a = LedgerEntry.Seal("main", 1, LedgerEntry.GenesisHash, DocumentedDraft());
        var reversed = new LedgerEntryDraft("payment:evt_123", LedgerEntryKind.PaymentReceived, Instant,
            [new Posting("cash:stripe", "USD", 12345), new Posting("receivable:carrier-tmo", "USD", -12345)],
            new Dictionary<string, string> { ["invoiceId"] = "INV-carrier-tmo-202610", ["stripeEventId"] = "evt_123" });

        Assert.Equal(a.Hash, LedgerEntry.Seal("main", 1, LedgerEntry.GenesisHash, reversed).Hash);
    }

    [Fact]
    public void Hash_SameInstantInAnotherOffset_SameHash()
    {
        LedgerEntryDraft utc = DocumentedDraft();
        var shifted = new LedgerEntryDraft(utc.EntryId, utc.Kind, Instant.ToOffset(TimeSpan.FromHours(-7)), utc.Postings, utc.Metadata);

        Assert.Equal(LedgerEntry.Seal("main", 1, LedgerEntry.GenesisHash, utc).Hash, LedgerEntry.Seal("main", 1, LedgerEntry.GenesisHash, shifted).Hash);
        Assert.Equal(TimeSpan.Zero, shifted.OccurredAt.Offset);
    }

    [Fact]
    public void Hash_FieldBoundariesShifted_DifferentHash()
    {
        // Without length prefixes, ("ab","c") and ("a","bc") would concatenate to the same bytes.
        LedgerEntryDraft d = DocumentedDraft();
        var m1 = new LedgerEntryDraft(d.EntryId, d.Kind, d.OccurredAt, d.Postings, new Dictionary<string, string> { ["ab"] = "c" });
        var m2 = new LedgerEntryDraft(d.EntryId, d.Kind, d.OccurredAt, d.Postings, new Dictionary<string, string> { ["a"] = "bc" });

        Assert.NotEqual(LedgerEntry.Seal("main", 1, LedgerEntry.GenesisHash, m1).Hash, LedgerEntry.Seal("main", 1, LedgerEntry.GenesisHash, m2).Hash);
    }

    [Fact]
    public void Seal_SequenceOneWithoutGenesis_Throws()
    {
        Assert.Throws<ArgumentException>(() => LedgerEntry.Seal("main", 1, new string('a', 64), DocumentedDraft()));
        Assert.Throws<ArgumentException>(() => LedgerEntry.Seal("main", 2, "ABC", DocumentedDraft()));
        Assert.Throws<ArgumentException>(() => LedgerEntry.Seal("my book", 2, new string('a', 64), DocumentedDraft()));
    }
}
