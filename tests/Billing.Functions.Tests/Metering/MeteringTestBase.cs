using Billing.Application.Metering;
using Billing.Functions.Tests.Invoicing;

namespace Billing.Functions.Tests.Metering;

/// <summary>
/// What the metering tests on Azurite share: one October, a setup whose clock reads its 11th, events the hub had a minute
/// before metering read them, and the Azurite collection (the attribute is inherited, so every derived test class is in it).
/// </summary>
[Collection(AzuriteCollection.Name)]
public abstract class MeteringTestBase
{
    protected static readonly CancellationToken Ct = CancellationToken.None;
    protected static readonly BillingPeriod October = new(2026, 10);

    /// <summary>The end of an hour of usage, the day before the clock.</summary>
    protected static readonly DateTimeOffset Ten = October.Start.AddDays(9).AddHours(10);

    /// <summary>When the hub had the events: a minute before metering read them.</summary>
    protected static readonly DateTimeOffset Enqueued = October.Start.AddDays(10).AddMinutes(-1);

    /// <summary>A setup on <paramref name="azurite"/> whose clock reads the 11th of October.</summary>
    private protected static Task<PeriodCloserSetup> NewAsync(AzuriteFixture azurite) => PeriodCloserSetup.NewAsync(azurite, October.Start.AddDays(10));

    /// <summary>Meters <paramref name="events"/> as one batch of <paramref name="hub"/>, each enqueued at <see cref="Enqueued"/>, numbered from 0.</summary>
    protected static Task<MeteringSummary> MeterBatchAsync(MeteringService metering, string hub, string type, string[] events) =>
        metering.MeterAsync(hub, type, new MeteringBatch(events, [.. events.Select(_ => (DateTimeOffset?)Enqueued)], [.. events.Select((_, i) => (long?)i)], "0"), Ct);

    /// <summary>The events set aside from <paramref name="source"/>.</summary>
    private protected static async Task<IReadOnlyList<QuarantineEntry>> SetAsideOfAsync(PeriodCloserSetup setup, string source) =>
        (await new QuarantineStore(setup.Tables).PageAsync(new QuarantineFilter(source, null, null, null), null, 100, Ct)).Entries;
}
