namespace Billing.Functions.Tests;

/// <summary>
/// The test groups that each run on a platform of their own (xunit makes a collection's fixtures for that collection
/// alone), so what one group posts, closes or pays never lands in another group's invoices. The other platform tests
/// share <see cref="PlatformCollection"/>.
/// </summary>
public static class PlatformCollections
{
    /// <summary>The invoice API: no other test's usage lands in these invoices.</summary>
    public const string Invoicing = "invoicing";

    /// <summary>Partner management: the partners created here must not become payers in other tests' closes.</summary>
    public const string Partners = "partners";

    /// <summary>Paying invoices and the ledger they book: closing and paying must not race the invoice tests' usage.</summary>
    public const string Payments = "payments";

    /// <summary>Rows of the ledger changed outside the platform: the one book must not be another group's.</summary>
    public const string LedgerTampering = "ledger-tampering";

    /// <summary>Payers seeded with ids a URL or a header must encode: partners no other test's close should see.</summary>
    public const string PayerIdCharacters = "payer-id-characters";
}

[CollectionDefinition(PlatformCollections.Invoicing)]
public sealed class InvoicingCollection : ICollectionFixture<PlatformFixture>;

[CollectionDefinition(PlatformCollections.Partners)]
public sealed class PartnersCollection : ICollectionFixture<PlatformFixture>;

[CollectionDefinition(PlatformCollections.Payments)]
public sealed class PaymentsCollection : ICollectionFixture<PlatformFixture>;

[CollectionDefinition(PlatformCollections.LedgerTampering)]
public sealed class LedgerTamperingCollection : ICollectionFixture<PlatformFixture>;

[CollectionDefinition(PlatformCollections.PayerIdCharacters)]
public sealed class PayerIdCharactersCollection : ICollectionFixture<GetInvoice.PayerIdCharactersPlatform>;
