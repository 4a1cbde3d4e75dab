using Billing.Tests.Shared;

namespace Billing.Functions.Tests.Invoicing;

/// <summary>Period close on Azurite with a fixed clock: exact cents, idempotency, late facts.</summary>
public class PeriodCloserTests(AzuriteFixture azurite) : PeriodCloserTestBase(azurite)
{
    [Fact]
    public async Task ClosePeriodsTimer_BeforeGraceThenAfter_WaitsThenClosesThePreviousMonth()
    {
        var setup = await NewAsync(October.End.AddHours(23));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 100_000);
        var timer = new Billing.Functions.ClosePeriods.ClosePeriodsFunction(setup.Closer, setup.Invoices, Microsoft.Extensions.Options.Options.Create(new InvoicingOptions()), setup.Clock,
            NullLogger<Billing.Functions.ClosePeriods.ClosePeriodsFunction>.Instance);
        using var invocation = Billing.Functions.HostProtocol.InvocationRequest.Parse("{\"Data\":{\"timer\":\"{}\"},\"Metadata\":{}}"u8.ToArray());

        var early = await timer.InvokeAsync(invocation, CancellationToken.None);
        Assert.False(early.ReturnValue!["closed"]!.GetValue<bool>());
        Assert.Null(await setup.Invoices.GetAsync(new InvoiceId("carrier-tmo", October), CancellationToken.None));

        setup.Clock.SetUtcNow(October.End.AddHours(25));
        var late = await timer.InvokeAsync(invocation, CancellationToken.None);

        Assert.True(late.ReturnValue!["closed"]!.GetValue<bool>());
        Assert.Equal("2026-10", late.ReturnValue["period"]!.GetValue<string>());
        Assert.NotNull(await setup.Invoices.GetAsync(new InvoiceId("carrier-tmo", October), CancellationToken.None));
    }

    [Fact]
    public async Task CloseAsync_PeriodNotEnded_ThrowsPeriodNotEnded()
    {
        var setup = await NewAsync(October.End.AddTicks(-1));

        await Assert.ThrowsAsync<PeriodNotEndedException>(() => setup.Closer.CloseAsync(October, force: false, CancellationToken.None));
    }

    [Fact]
    public async Task CloseAsync_UsageAndMinimums_InvoicesExactCentsForEveryPayerThatOwes()
    {
        var setup = await NewAsync(October.End.AddHours(1));
        await setup.AddCarrierAsync(October.Start, 150_000_000_000);            // 1,500,000 DC
        await setup.AddCarrierAsync(October.End.AddTicks(-1), 1);               // +1 byte → 1,500,001 DC (ceiling on the total)
        await setup.AddCarrierAsync(October.End, 999_999_999);                  // November: not in this invoice
        await setup.AddComputeAsync(October.Start.AddDays(3), "H100", 5_400);   // 1.5 GPU-hours → 3.00
        await setup.AddComputeAsync(October.Start.AddDays(4), "RTX4090", 1);    // 0.000111 → 0.00

        var invoices = (await setup.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices;

        Assert.Equal(["INV-carrier-tmo-202610", "INV-tenant-idle-202610", "INV-tenant-lab-202610"], invoices.Select(i => i.Id.ToString()));
        var carrier = invoices[0];
        Assert.Equal(InvoiceStatus.Finalized, carrier.Status);
        Assert.Equal(1_500_001m, Assert.Single(carrier.Lines).Quantity);
        Assert.Equal(1500, carrier.Total.MinorUnits);                          // 1,500,001 × 0.00001 = 15.00001 → 15.00
        var lab = invoices[2];
        Assert.Equal(10_000, lab.Total.MinorUnits);                             // 3.00 + 0.00 + minimum true-up 97.00
        Assert.Contains(lab.Lines, l => l.Description == "minimum commitment" && l.Amount.MinorUnits == 9_700);
        Assert.Equal(10_000, Assert.Single(invoices[1].Lines).Amount.MinorUnits); // zero usage, minimum only
    }

    [Fact]
    public async Task CloseAsync_RedeliveredAndResentEvents_InvoiceEqualsTheSingleDelivery()
    {
        var once = await NewAsync(October.End.AddDays(1));
        var thrice = await NewAsync(October.End.AddDays(1));
        var facts = Enumerable.Range(0, 40).Select(i => SampleFacts.Carrier($"dup-{i}", 12_345_678 + i, October.Start.AddHours(i))).ToArray();

        await once.Facts.AppendAsync(facts, CancellationToken.None);
        for (int delivery = 0; delivery < 3; delivery++)
        {
            await thrice.Facts.AppendAsync([.. facts, .. facts.Take(10)], CancellationToken.None); // redelivered batches with repeats inside
        }

        var a = Assert.Single((await once.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        var b = Assert.Single((await thrice.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        Assert.Equal(InvoiceJson.Serialize(a), InvoiceJson.Serialize(b));
        Assert.Equal(4_939m, Assert.Single(a.Lines).Quantity); // ceil(sum / 100,000) over the distinct events only
    }

    [Fact]
    public async Task CloseAsync_Twice_ReturnsTheSameInvoices()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 123_456_789);

        var first = (await setup.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices;
        await setup.AddCarrierAsync(October.Start.AddDays(2), 1_000_000); // late fact after finalization: not in this invoice
        var second = (await setup.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices;

        Assert.Equal(first.Select(i => InvoiceJson.Serialize(i)), second.Select(i => InvoiceJson.Serialize(i)));
    }

    [Fact]
    public async Task CloseAsync_LateFactsForClosedPeriod_BecomeAdjustmentOnNextInvoice()
    {
        var setup = await NewAsync(September.End.AddDays(1));
        await setup.AddCarrierAsync(September.Start.AddDays(5), 10_000_000_000);   // 100,000 DC → 1.00
        var september = Assert.Single((await setup.Closer.CloseAsync(September, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        Assert.Equal(100, september.Total.MinorUnits);

        await setup.AddCarrierAsync(September.End.AddHours(-1), 25_000_000_000);   // late: +250,000 DC → +2.50
        await setup.AddCarrierAsync(October.Start.AddDays(2), 5_000_000_000);      // October: 50,000 DC → 0.50
        setup.Clock.SetUtcNow(October.End.AddDays(1));
        var october = Assert.Single((await setup.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");

        var adjustment = Assert.Single(october.Lines, l => l.Description.Contains("2026-09", StringComparison.Ordinal));
        Assert.Equal(250, adjustment.Amount.MinorUnits);
        Assert.Equal(300, october.Total.MinorUnits);
        Assert.Equal(100, (await setup.Invoices.GetAsync(september.Id, CancellationToken.None))!.Total.MinorUnits); // September stays as invoiced
    }

    [Fact]
    public async Task CloseAsync_JulyThenLateJulyThenSeptemberThenAugust_CorrectionBilledOnce()
    {
        var setup = await NewAsync(July.End.AddDays(1));
        await setup.AddCarrierAsync(July.Start.AddDays(3), 10_000_000_000);        // 100,000 DC → 1.00
        await setup.Closer.CloseAsync(July, force: false, CancellationToken.None);
        setup.Clock.SetUtcNow(July.End.AddDays(20));
        await setup.AddCarrierAsync(July.End.AddHours(-2), 25_000_000_000);         // late July: +2.50
        await setup.AddCarrierAsync(August.Start.AddDays(3), 5_000_000_000);        // August 0.50
        await setup.AddCarrierAsync(September.Start.AddDays(3), 7_000_000_000);     // September 0.70

        setup.Clock.SetUtcNow(September.End.AddDays(1));
        var september = Assert.Single((await setup.Closer.CloseAsync(September, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        var august = Assert.Single((await setup.Closer.CloseAsync(August, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");

        Assert.Equal(250, Assert.Single(september.Lines, l => l.AdjustedPeriod == July).Amount.MinorUnits);
        Assert.DoesNotContain(august.Lines, l => l.AdjustedPeriod == July);
        Assert.Equal(50, august.Total.MinorUnits);
        Assert.Equal(350, await setup.BilledForAsync("carrier-tmo", July));
    }

    [Fact]
    public async Task CloseAsync_LateUsageForMonthWithoutInvoice_BilledOnTheNextInvoice()
    {
        var setup = await NewAsync(July.End.AddDays(1));
        await setup.AddComputeAsync(July.Start.AddDays(1), "H100", 3_600);          // some usage in July, not the carrier's
        var july = await setup.Closer.CloseAsync(July, force: false, CancellationToken.None);
        Assert.DoesNotContain(july.Invoices, i => i.Payer == "carrier-tmo");

        setup.Clock.SetUtcNow(July.End.AddDays(10));
        await setup.AddCarrierAsync(July.End.AddDays(-1), 30_000_000_000);          // late July, the carrier's first: 3.00
        setup.Clock.SetUtcNow(August.End.AddDays(1));
        var august = Assert.Single((await setup.Closer.CloseAsync(August, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");

        var line = Assert.Single(august.Lines);
        Assert.Equal((July, 300L), (line.AdjustedPeriod, line.Amount.MinorUnits));
        Assert.DoesNotContain((await setup.Closer.CloseAsync(July, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo"); // closed stays closed
        setup.Clock.SetUtcNow(September.End.AddDays(1));
        Assert.DoesNotContain((await setup.Closer.CloseAsync(September, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");
        Assert.Equal(300, await setup.BilledForAsync("carrier-tmo", July));
    }

    [Fact]
    public async Task CloseAsync_UsageBeyondLong_InvoicedExactly()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        for (int i = 0; i < 3; i++)
        {
            await setup.AddCarrierAsync(October.Start.AddDays(i), long.MaxValue);    // the sum passes long.MaxValue
        }

        var carrier = Assert.Single((await setup.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices, i => i.Payer == "carrier-tmo");

        // DC = ceil(3 × (2^63 − 1) / 100,000) = 276,701,161,105,644; tier 1: 10^9 × 0.00001 = 10,000.00; tier 2: the rest × 0.000008.
        Assert.Equal([1_000_000_000m, 276_700_161_105_644m], carrier.Lines.Select(l => l.Quantity));
        Assert.Equal(1_000_000 + 221_360_128_885, carrier.Total.MinorUnits);
    }

    [Fact]
    public async Task CloseAsync_OnePayerUnpricedUsage_OthersInvoicedAndTheFailureReported()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);
        await setup.AddComputeAsync(October.Start.AddDays(1), "B200", 3_600);      // stored before the plan lost the model, say: unpriced

        string reason = await setup.CloseWithOneFailedPayerAsync(October, "tenant-lab", "carrier-tmo", "tenant-idle");

        Assert.Contains("B200", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CloseAsync_TenYearsAgo_RefusedUnlessForced()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);
        var decadeAgo = new BillingPeriod(2016, 10);

        var refused = await Assert.ThrowsAsync<PeriodRefusedException>(() => setup.Closer.CloseAsync(decadeAgo, force: false, CancellationToken.None));
        Assert.Contains("MaxCloseAge", refused.Message, StringComparison.Ordinal);
        Assert.Empty((await setup.Invoices.ListAsync(decadeAgo, null, CancellationToken.None)).Items);

        var forced = await setup.Closer.CloseAsync(decadeAgo, force: true, CancellationToken.None);
        Assert.Equal(["tenant-idle", "tenant-lab"], forced.Invoices.Select(i => i.Payer)); // minimums, because finance asked
    }

    [Fact]
    public async Task CloseAsync_BeforeTheFirstUsage_Refused()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);

        var refused = await Assert.ThrowsAsync<PeriodRefusedException>(() => setup.Closer.CloseAsync(August, force: false, CancellationToken.None));

        Assert.Contains("first usage", refused.Message, StringComparison.Ordinal);
        Assert.Empty((await setup.Invoices.ListAsync(August, null, CancellationToken.None)).Items);
    }

    [Fact]
    public async Task CloseAsync_FirstPeriodEverForced_DoesNotLookBeforeIt()
    {
        var setup = await NewAsync(October.End.AddDays(1));

        var result = await setup.Closer.CloseAsync(new BillingPeriod(1, 1), force: true, CancellationToken.None);

        Assert.Equal(["tenant-idle", "tenant-lab"], result.Invoices.Select(i => i.Payer));
    }

    [Fact]
    public async Task CloseAsync_WhileAnotherCloseHoldsTheLease_Refused()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);
        Assert.True((await setup.Invoices.TryAcquireCloseLeaseAsync("other", TimeSpan.FromMinutes(10), setup.Clock.GetUtcNow(), CancellationToken.None)).Acquired);
        var impatient = new PeriodCloser(setup.Facts, setup.Invoices, setup.Partners, setup.Plans, InvoiceFinalization.None, setup.Clock,
            Microsoft.Extensions.Options.Options.Create(new InvoicingOptions { CloseLeaseWait = TimeSpan.Zero }), NullLogger<PeriodCloser>.Instance);

        await Assert.ThrowsAsync<CloseInProgressException>(() => impatient.CloseAsync(October, force: false, CancellationToken.None));

        setup.Clock.Advance(TimeSpan.FromMinutes(11)); // the other close crashed: its lease expires
        Assert.NotEmpty((await setup.Closer.CloseAsync(October, force: false, CancellationToken.None)).Invoices);
    }

    [Fact]
    public async Task CloseAsync_OnePayerTakesLongerThanTheLease_LeaseRenewedAllAlongSoNoOtherCloseGetsIn()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);
        var slow = new SlowPayer(setup, "INV-carrier-tmo-202610");
        var closer = new PeriodCloser(setup.Facts, setup.Invoices, setup.Partners, setup.Plans, new InvoiceFinalization(slow, new SkippedFinalizationStep()), setup.Clock,
            Microsoft.Extensions.Options.Options.Create(new InvoicingOptions()), NullLogger<PeriodCloser>.Instance);

        var failure = await Record.ExceptionAsync(() => closer.CloseAsync(October, force: false, CancellationToken.None));

        // Before: the lease was renewed only once a payer had finished, so it lapsed during the slow one and another close
        // could take it and bill the same corrections.
        Assert.False(slow.OtherCloseGotIn);
        Assert.Null(failure);
    }

    /// <summary>
    /// Takes 15 minutes (of the fake clock, in steps of 2.5, each waiting briefly for a renewal) to finish <paramref name="invoiceId"/>,
    /// longer than the 10-minute lease, then tries to take the lease as another close would.
    /// </summary>
    private sealed class SlowPayer(PeriodCloserSetup setup, string invoiceId) : IInvoiceFinalizedHandler
    {
        public bool OtherCloseGotIn { get; private set; }

        public async Task<Invoice> OnFinalizedAsync(Invoice invoice, CancellationToken cancellationToken)
        {
            if (invoice.Id.ToString() != invoiceId)
            {
                return invoice;
            }

            var lease = TimeSpan.FromMinutes(10);
            for (int step = 0; step < 6; step++)
            {
                setup.Clock.Advance(TimeSpan.FromMinutes(2.5));
                var renewed = setup.Clock.GetUtcNow() + lease;
                for (int wait = 0; wait < 40 && await LeaseExpiresAtAsync(cancellationToken) < renewed; wait++)
                {
                    await Task.Delay(50, cancellationToken); // real time: the renewal is a storage round trip
                }
            }

            OtherCloseGotIn = (await setup.Invoices.TryAcquireCloseLeaseAsync("other", lease, setup.Clock.GetUtcNow(), cancellationToken)).Acquired;
            return invoice;
        }

        private async Task<DateTimeOffset> LeaseExpiresAtAsync(CancellationToken cancellationToken) =>
            (await setup.Tables.Invoices.GetEntityAsync<TableEntity>("lease", "period-close", cancellationToken: cancellationToken)).Value.GetDateTimeOffset("ExpiresAt")!.Value;
    }

    [Fact]
    public async Task CloseAsync_CrashAfterSomeInvoicesThenRetry_EachCorrectionBilledOnce()
    {
        var setup = await NewAsync(July.End.AddDays(1));
        await setup.AddCarrierAsync(July.Start.AddDays(1), 10_000_000_000, "carrier-tmo");
        await setup.AddCarrierAsync(July.Start.AddDays(1), 10_000_000_000, "carrier-idle");
        await setup.Closer.CloseAsync(July, force: false, CancellationToken.None);
        setup.Clock.SetUtcNow(July.End.AddDays(10));
        await setup.AddCarrierAsync(July.End.AddDays(-1), 20_000_000_000, "carrier-tmo");
        await setup.AddCarrierAsync(July.End.AddDays(-1), 40_000_000_000, "carrier-idle");
        setup.Clock.SetUtcNow(August.End.AddDays(1));
        var crashing = new PeriodCloser(setup.Facts, setup.Invoices, setup.Partners, setup.Plans, new InvoiceFinalization(ledgerBooking: new CrashOnce("INV-carrier-idle-202608"), stripeSync: new CrashOnce(invoiceId: "")), setup.Clock,
            Microsoft.Extensions.Options.Options.Create(new InvoicingOptions()), NullLogger<PeriodCloser>.Instance);

        await Assert.ThrowsAsync<IOException>(() => crashing.CloseAsync(August, force: false, CancellationToken.None));
        Assert.Null(await setup.Invoices.GetCloseAsync(August, CancellationToken.None)); // no close record: August is not closed yet
        setup.Clock.SetUtcNow(September.End.AddDays(1));
        await setup.Closer.CloseAsync(September, force: false, CancellationToken.None); // even a later month in between
        await crashing.CloseAsync(August, force: false, CancellationToken.None);

        Assert.Equal(300, await setup.BilledForAsync("carrier-tmo", July));
        Assert.Equal(500, await setup.BilledForAsync("carrier-idle", July));
    }

    [Fact]
    public async Task CloseAsync_InvoiceFinalized_BookedInTheLedgerBeforeItIsSentToStripe()
    {
        var setup = await NewAsync(October.End.AddDays(1));
        await setup.AddCarrierAsync(October.Start.AddDays(1), 10_000_000_000);
        var ledger = new LedgerStore(await Azurite.NewTablesAsync(), TestSeals.Keys);
        await ledger.EnsureCreatedAsync(CancellationToken.None);
        var stripe = new LedgerCheckingStripe(ledger, setup.Clock);
        var closer = new PeriodCloser(setup.Facts, setup.Invoices, setup.Partners, setup.Plans,
            new InvoiceFinalization(ledgerBooking: new LedgerRecorder(ledger, setup.Partners, setup.Clock), stripeSync: stripe), setup.Clock,
            Microsoft.Extensions.Options.Options.Create(new InvoicingOptions()), NullLogger<PeriodCloser>.Instance);

        var result = await closer.CloseAsync(October, force: false, CancellationToken.None);

        Assert.Contains(result.Invoices, i => i.Payer == "carrier-tmo");
        Assert.Equal(result.Invoices.Select(i => i.Id.ToString()).Order(), stripe.Synced.Order());
        Assert.NotNull(await ledger.GetAsync(LedgerEntries.InvoiceFinalizedId(new InvoiceId("carrier-tmo", October).ToString()), CancellationToken.None));
    }

    /// <summary>Stands in for Stripe (a remote service): refuses an invoice the ledger does not hold yet.</summary>
    private sealed class LedgerCheckingStripe(LedgerStore ledger, TimeProvider clock) : IInvoiceFinalizedHandler
    {
        public ConcurrentBag<string> Synced { get; } = [];

        public async Task<Invoice> OnFinalizedAsync(Invoice invoice, CancellationToken cancellationToken)
        {
            bool bookable = LedgerEntries.InvoiceFinalized(invoice, clock.GetUtcNow()) is not null;
            if (bookable && await ledger.GetAsync(LedgerEntries.InvoiceFinalizedId(invoice.Id.ToString()), cancellationToken) is null)
            {
                throw new InvalidOperationException($"{invoice.Id} reached Stripe before the ledger booked it");
            }

            Synced.Add(invoice.Id.ToString());
            return invoice;
        }
    }

    /// <summary>Throws once for <paramref name="invoiceId"/> (a process killed mid-close); any other invoice passes through.</summary>
    private sealed class CrashOnce(string invoiceId) : IInvoiceFinalizedHandler
    {
        private int crashed;

        public Task<Invoice> OnFinalizedAsync(Invoice invoice, CancellationToken cancellationToken) =>
            invoice.Id.ToString() == invoiceId && Interlocked.Exchange(ref crashed, 1) == 0
                ? throw new IOException("process killed after the invoice was stored")
                : Task.FromResult(invoice);
    }
}
