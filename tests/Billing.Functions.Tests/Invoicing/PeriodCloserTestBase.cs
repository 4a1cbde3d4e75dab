namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// What the period close tests share: one calendar of months, so a late fact, a next close or a replay means the same
/// month in every file, and a <see cref="PeriodCloserSetup"/> on the Azurite collection (the attribute is inherited, so
/// every derived test class is in it).
/// </summary>
[Collection(AzuriteCollection.Name)]
public abstract class PeriodCloserTestBase(AzuriteFixture azurite)
{
    protected static readonly BillingPeriod July = new(2026, 7);
    protected static readonly BillingPeriod August = new(2026, 8);
    protected static readonly BillingPeriod September = new(2026, 9);
    protected static readonly BillingPeriod October = new(2026, 10);
    protected static readonly BillingPeriod November = new(2026, 11);

    protected AzuriteFixture Azurite => azurite;

    /// <inheritdoc cref="PeriodCloserSetup.NewAsync"/>
    private protected Task<PeriodCloserSetup> NewAsync(DateTimeOffset now, Func<InvoiceStore, PartnerStore, TimeProvider, InvoiceFinalization>? finalization = null) =>
        PeriodCloserSetup.NewAsync(azurite, now, finalization);
}
