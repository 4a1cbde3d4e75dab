using Azure.Core;
using Azure.Core.Pipeline;

namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// A close whose lease another close took while it was rating a payer (its renewals failed long enough for the lease to
/// lapse) stores no invoice: the other close may be billing the same corrections.
/// </summary>
public class PeriodCloserLeaseLossTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
    [Fact]
    public async Task CloseAsync_LeaseTakenByAnotherCloseWhileRating_StoresNoInvoiceAndAnswersInProgress()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);
        var steal = new LeaseThief(setup);
        var options = new TableClientOptions();
        options.AddPolicy(steal, HttpPipelinePosition.PerCall);
        // The closer reads usage through this client: its first read is after the lease was taken and before any invoice is stored.
        var facts = new FactStore(new BillingTables(new TableServiceClient(Azurite.ConnectionString, options), setup.Tables.Options));
        var closer = new PeriodCloser(facts, setup.Invoices, setup.Partners, setup.Plans, InvoiceFinalization.None, setup.Clock,
            Microsoft.Extensions.Options.Options.Create(new InvoicingOptions()), NullLogger<PeriodCloser>.Instance);

        var failure = await Record.ExceptionAsync(() => closer.CloseAsync(October, force: false, CancellationToken.None));

        Assert.True(steal.Stolen);
        Assert.IsType<CloseInProgressException>(failure);
        Assert.Empty((await setup.Invoices.ListAsync(October, null, CancellationToken.None)).Items);
        Assert.Null(await setup.Invoices.GetCloseAsync(October, CancellationToken.None));
    }

    /// <summary>
    /// On the first request through its client: another close holds the lease for an hour, as one would after this close's
    /// renewals had failed, and six of the lease's ten minutes pass (so the next check goes to storage).
    /// </summary>
    private sealed class LeaseThief(PeriodCloserSetup setup) : TablesPolicy
    {
        private int taken;

        public bool Stolen => Volatile.Read(ref taken) == 1;

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            if (Interlocked.Exchange(ref taken, 1) == 0)
            {
                // Taken first, then the clock moved: moving it wakes the background renewal, which must find the lease gone.
                var lease = new TableEntity("lease", "period-close") { ["Owner"] = "other-close", ["ExpiresAt"] = setup.Clock.GetUtcNow().AddHours(1) };
                await setup.Tables.Invoices.UpsertEntityAsync(lease, TableUpdateMode.Replace, message.CancellationToken);
                setup.Clock.Advance(TimeSpan.FromMinutes(6));
            }

            await ProcessNextAsync(message, pipeline);
        }
    }
}
