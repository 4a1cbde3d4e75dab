namespace Billing.Functions.Tests.Invoicing;

/// <summary>
/// Closes that send invoices to Stripe (a loopback server answering like its API): a payer Stripe refuses fails alone
/// and is reported, and an unreachable Stripe fails the close as a transient error, to be retried.
/// </summary>
public sealed class PeriodCloserStripeTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
    [Fact]
    public async Task CloseAsync_StripeRefusesOnePayer_OthersSyncedAndThatPayerReportedAndRetried()
    {
        await using var stripe = StripeCaptureServer.Start();
        stripe.FailPayers.Add("carrier-tmo");
        var setup = await NewWithStripeAsync(stripe.BaseUrl);
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);
        await setup.AddComputeAsync(October.Start.AddDays(2), "H100", 3_600);

        string reason = await setup.CloseWithOneFailedPayerAsync(October, "carrier-tmo", "tenant-lab");

        Assert.Contains("told to fail", reason, StringComparison.Ordinal); // Stripe's own message, for finance to act on
        var synced = await setup.Invoices.GetAsync(new InvoiceId("tenant-lab", October), CancellationToken.None);
        Assert.StartsWith("in_capture", synced!.StripeInvoiceId, StringComparison.Ordinal);
        Assert.Null((await setup.Invoices.GetAsync(new InvoiceId("carrier-tmo", October), CancellationToken.None))!.StripeInvoiceId);

        stripe.FailPayers.Clear(); // repaired in Stripe: the next close syncs it and closes the payer
        var repaired = await setup.Closer.CloseAsync(October, force: false, CancellationToken.None);
        Assert.Empty(repaired.Failed);
        Assert.StartsWith("in_capture", Assert.Single(repaired.Invoices, i => i.Payer == "carrier-tmo").StripeInvoiceId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloseAsync_StripeUnreachable_ThrowsATransientFailureAndRecordsNoClose()
    {
        var setup = await NewWithStripeAsync($"http://127.0.0.1:{FreePort.Find()}"); // nobody listens
        await setup.AddComputeAsync(October.Start.AddDays(2), "H100", 3_600);

        var ex = await Assert.ThrowsAnyAsync<Exception>(() => setup.Closer.CloseAsync(October, force: false, CancellationToken.None));

        Assert.True(Billing.Application.Resilience.TransientFailures.IsTransient(ex), ex.ToString());
        Assert.Null(await setup.Invoices.GetCloseAsync(October, CancellationToken.None)); // not closed: the timer tries again
    }

    private Task<PeriodCloserSetup> NewWithStripeAsync(string stripeBase) =>
        NewAsync(October.End.AddDays(1), (invoices, partners, time) =>
        {
            var sync = new StripeInvoiceSync(new StripeConnection(Options.Create(new StripeOptions { SecretKey = "sk_test_closer", ApiBase = stripeBase })), NullLogger<StripeInvoiceSync>.Instance);
            var handler = new StripeInvoiceFinalizedHandler(sync, invoices, partners, time, NullLogger<StripeInvoiceFinalizedHandler>.Instance);
            return new InvoiceFinalization(new SkippedFinalizationStep(), handler); // these tests are about Stripe; the ledger's own close tests cover booking
        });
}
