using Azure.Core;
using Azure.Core.Pipeline;
using Billing.Functions.ClosePeriod;

namespace Billing.Functions.Tests.ClosePeriod;

/// <summary>
/// POST /api/v1/periods/{m}/close answers "Close record unreadable" (409) for the period's own close record only: any other
/// stored row a close cannot read is the storage-integrity 500 every route answers (UnhandledErrors), which names no row.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class ClosePeriodOtherRowUnreadableTests(AzuriteFixture azurite)
{
    private static readonly BillingPeriod October = new(2026, 10);

    [Fact]
    public async Task Invoke_ARowOtherThanTheCloseRecordUnreadable_LeftToTheStorageIntegrityAnswer()
    {
        // No read of a close outside its payers lets a planted row's InvalidDataException escape today (each reader keeps
        // it to its row or payer), so the storage client raises one, as a reader would, for the late-usage marks.
        var planted = new UnreadableRows("PartitionKey eq 'late'");
        var options = new TableClientOptions();
        options.AddPolicy(planted, HttpPipelinePosition.PerCall);
        var tables = await azurite.NewTablesAsync(client: options);
        var partners = new PartnerStore(tables);
        await partners.UpsertAsync(new PartnerRegistration(new Partner("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1"), "k-carrier-tmo-0001"), CancellationToken.None);
        var facts = new FactStore(tables);
        await facts.AppendAsync([SampleFacts.Carrier("s-1", 1_000_000, October.Start.AddDays(1))], CancellationToken.None);
        var plans = BillingFunctionsApp.LoadPlans(Path.Combine(PlatformFixture.AppDirectory(), "plans"));
        var closer = new PeriodCloser(facts, new InvoiceStore(tables), partners, plans, InvoiceFinalization.None, new FakeTimeProvider(October.End.AddDays(1)),
            Options.Create(new InvoicingOptions()), NullLogger<PeriodCloser>.Instance);
        planted.Armed = true;

        // Before: 409 "Close record unreadable" naming the row in its detail, a period whose close record is fine.
        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => new ClosePeriodFunction(closer).InvokeAsync(new DefaultHttpContext(), "2026-10", CancellationToken.None));

        Assert.Contains("partition 'late'", refused.Message, StringComparison.Ordinal);
        Assert.Null(await new InvoiceStore(tables).GetCloseAsync(October, CancellationToken.None)); // nothing closed on it
    }

    /// <summary>Raises what a strict reader raises for a row changed outside the platform, for requests whose query holds <c>filter</c>.</summary>
    private sealed class UnreadableRows(string filter) : TablesPolicy
    {
        public bool Armed { get; set; }

        public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Armed && Uri.UnescapeDataString(message.Request.Uri.ToString()).Contains(filter, StringComparison.Ordinal))
            {
                throw new InvalidDataException("late-usage mark row (partition 'late', row '202610|carrier-tmo'), property 'Month': Edm.Int32 found, Edm.String expected; the row was not written by this platform");
            }

            return ProcessNextAsync(message, pipeline);
        }
    }
}
