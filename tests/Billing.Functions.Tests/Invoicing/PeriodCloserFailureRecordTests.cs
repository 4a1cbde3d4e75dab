namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// The period close record on Azurite after repeated closes: it lists the latest outcome of every payer, so a payer that
/// now succeeds is no longer listed as failed, one that fails now is listed (with its latest reason), and one the repeat
/// did not try again keeps its failure.
/// </summary>
public class PeriodCloserFailureRecordTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
    private async Task<PeriodCloserSetup> SetupAsync(FailingFor failing)
    {
        var setup = await NewAsync(October.End.AddDays(1), (_, _, _) => new InvoiceFinalization(failing, failing));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 150_000_000_000); // carrier-tmo: 15.00
        await setup.AddComputeAsync(October.Start.AddDays(2), "H100", 3_600);   // tenant-lab: minimum 100.00
        return setup;
    }

    private static async Task<IReadOnlyDictionary<string, string>> RecordedFailuresAsync(PeriodCloserSetup setup) =>
        (await setup.Invoices.GetCloseAsync(October, CancellationToken.None))!.Value.Record.FailedPayers;

    [Fact]
    public async Task CloseAsync_FailedPayerNowSucceedsAndAnotherNowFails_RecordListsTheLatestFailures()
    {
        var failing = new FailingFor("tenant-lab");
        var setup = await SetupAsync(failing);
        var first = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);
        Assert.Equal(["tenant-lab"], first.Failed.Keys);
        Assert.Equal(["tenant-lab"], (await RecordedFailuresAsync(setup)).Keys);

        failing.Payers = ["carrier-tmo"]; // tenant-lab's cause is fixed; carrier-tmo's ledger booking now fails on the repeat
        var second = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Equal(["carrier-tmo"], second.Failed.Keys);
        Assert.Equal(second.Failed, await RecordedFailuresAsync(setup));

        failing.Payers = ["carrier-tmo"];
        failing.Reason = "booked nowhere, again";
        var third = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Equal("booked nowhere, again", third.Failed["carrier-tmo"]);
        Assert.Equal(third.Failed, await RecordedFailuresAsync(setup));

        failing.Payers = [];
        var last = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Empty(last.Failed);
        Assert.Empty(await RecordedFailuresAsync(setup));
        Assert.Equal(["carrier-tmo", "tenant-idle", "tenant-lab"], last.Invoices.Select(i => i.Payer));
    }

    [Fact]
    public async Task CloseAsync_FailedPayerNoLongerAPayer_KeepsItsFailure()
    {
        var failing = new FailingFor();
        var setup = await SetupAsync(failing);
        await setup.AddComputeAsync(October.Start.AddDays(3), "B200", 3_600); // unpriced: tenant-lab fails before it has an invoice
        var first = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);
        Assert.Equal(["tenant-lab"], first.Failed.Keys);

        // Configured partners come from settings: an operator can make the payer a provider. Its month was never closed.
        await setup.Partners.UpsertAsync(new PartnerRegistration(new Partner("tenant-lab", PartnerRole.Provider, null), "k-tenant-lab-00001"), CancellationToken.None);
        failing.Payers = ["carrier-tmo"];
        var second = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Equal(["carrier-tmo", "tenant-lab"], second.Failed.Keys.Order());
        Assert.Equal(first.Failed["tenant-lab"], second.Failed["tenant-lab"]);
        Assert.Equal(second.Failed, await RecordedFailuresAsync(setup));
    }

    /// <summary>Booking fails (a deterministic error) for the invoices of <see cref="Payers"/>; any other invoice passes.</summary>
    private sealed class FailingFor(params string[] payers) : IInvoiceFinalizedHandler
    {
        public volatile string[] Payers = payers;

        public volatile string Reason = "booked nowhere";

        public Task<Invoice> OnFinalizedAsync(Invoice invoice, CancellationToken cancellationToken) =>
            Payers.Contains(invoice.Payer) ? throw new InvalidDataException(Reason) : Task.FromResult(invoice);
    }
}
