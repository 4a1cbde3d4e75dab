using Billing.Domain.Burns;
using Billing.Domain.Ledger;

namespace Billing.Documents.Tests.Invoices;

/// <summary>Realistic invoice documents: ids, hashes and signatures as long as the real ones.</summary>
internal static class SampleDocuments
{
    public static InvoiceLine Line(string description, decimal quantity, string unit, decimal unitPrice, long amountMinor, string meter = "offload.bytes",
        IReadOnlyDictionary<string, string>? group = null) =>
        new(meter, description, group, quantity, unit, unitPrice, new Money(amountMinor, Currency.USD));

    public const string Signature = "5Kq3Vd9xR2mJYwTqz8NfA4pLsB7cHeU1gWiXoZkD6rMtQn3yEvGbCu2aSjPhFw9LxTdRe8KmYq7NzBa4VcUo1x9Tz";
    public const string AnchorSignature = "3NcUo1x9TzWq5Kq3Vd9xR2mJYwTqz8NfA4pLsB7cHeU1gWiXoZkD6rMtQn3yEvGbCu2aSjPhFw9LxTdRe8KmYq7";
    public const string Mint = "TokenMint1111111111111111111111111111111111";
    public const string Authority = "AnchorAuthority11111111111111111111111111111";
    public static readonly string EntryHash = new string('a', 32) + new string('b', 32);
    public static readonly string Root = new string('c', 32) + new string('d', 32);

    public static InvoiceDocument PaidCarrier()
    {
        var invoice = new Invoice(InvoiceId.Parse("INV-carrier-tmo-202610"), "carrier-standard-v1", InvoiceStatus.Paid, Currency.USD,
        [
            Line("Data offload", 1_000_000_000m, "DC", 0.00001m, 1_000_000),
            Line("Data offload (above 1,000,000,000 DC)", 123_456_789m, "DC", 0.000008m, 98_765),
        ], "in_1QxYzStripeInvoice", amountPaidMinor: 1_098_765);
        string entryId = LedgerEntries.InvoiceFinalizedId(invoice.Id.ToString());
        var entry = new LedgerEntry("main", 42, entryId, LedgerEntryKind.InvoiceFinalized, new DateTimeOffset(2026, 11, 1, 0, 30, 5, TimeSpan.Zero),
            [], null, LedgerEntry.GenesisHash, EntryHash);
        return new InvoiceDocument
        {
            Invoice = invoice,
            Issuer = new InvoiceIssuer("Example Networks Ltd", ["1 Ledger Lane", "10115 Berlin"], "billing@example.test", "DE123456789"),
            PayerName = "T-Mobile Offload",
            IssuedAt = entry.OccurredAt,
            GeneratedAt = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero),
            OffloadBytes = 112_345_678_900_000_000,
            Payments = [new InvoicePayment("evt_1QxYzAbCdEfGhIjKlMnOpQrS", new DateTimeOffset(2026, 11, 15, 12, 0, 0, TimeSpan.Zero), 1_098_765, "USD", "applied")],
            Burns =
            [
                new BurnIntent
                {
                    Id = BurnIntent.IdFor(invoice.Id.ToString()), InvoiceId = invoice.Id.ToString(), Payer = "carrier-tmo", PaymentId = "evt_1QxYzAbCdEfGhIjKlMnOpQrS",
                    UsdMinor = 1_098_765, Currency = "USD", Status = BurnStatus.Finalized, TokenAmount = 439_506_000_000, Decimals = 8, Mint = Mint,
                    Signature = Signature, Slot = 123_456, Price = PriceQuote.Parse("2.50", DateTimeOffset.UnixEpoch, "fixed"), CreatedAt = DateTimeOffset.UnixEpoch,
                },
            ],
            Ledger = new InvoiceLedgerRecord(
                entryId,
                "/api/v1/ledger/proof/" + Uri.EscapeDataString(entryId),
                entry,
                new OnChainAnchor(new AnchorMemoContent("billing", "main", 40, 47, Root, new string('0', 64)), AnchorSignature, 123_999, null),
                Authority,
                ProofVerified: true),
        };
    }
}
