using Billing.Tests.Shared;

namespace Billing.Application.Tests.Burns;

/// <summary>
/// Finance's release of a held burn on the localnet: it burns what finance decided, never more than the invoice kept after
/// its credit notes, refunds and lost disputes (checked again right before signing), records who and why, and touches nothing that is not held.
/// </summary>
public partial class BurnReleaserTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private sealed record Harness(BurnExecutor Executor, BurnReleaser Releaser, BurnStore Burns, BillingTables Tables, SolanaRpcClient Rpc, PublicKey Mint, BurnIntent Intent, LedgerStore Ledger)
    {
        public async Task<BurnIntent> GetAsync() => (await Burns.GetAsync(Intent.Id, Ct))!.Value.Intent;

        public async Task<ulong> SupplyAsync() => (await Rpc.GetTokenSupplyAsync(Mint, Commitment.Confirmed, Ct)).Amount;

        /// <summary>Stripe refunded <paramref name="refundedMinor"/> on the invoice's charge <paramref name="charge"/>, outside any credit note.</summary>
        public Task RefundAsync(long refundedMinor, string charge = "ch_release") => RefundRows.PlacedAsync(Tables,
            new IncomingRefund("evt_" + Guid.NewGuid().ToString("N"), charge, null, "in_release", "cus_release", refundedMinor, "USD", DateTimeOffset.UtcNow), Intent.InvoiceId);

        /// <summary>Stripe refunded <paramref name="refundedMinor"/> on another charge of the invoice's customer, at <paramref name="at"/>, that no invoice is found for yet.</summary>
        public Task UnplacedRefundAsync(long refundedMinor, DateTimeOffset at) => new RefundStore(Tables).RecordAsync(
            new IncomingRefund("evt_" + Guid.NewGuid().ToString("N"), "ch_unplaced", "pi_unplaced", null, "cus_release", refundedMinor, "USD", at), Ct);

        /// <summary>Stripe's <c>charge.dispute.*</c> of <paramref name="amountMinor"/> USD, placed under the invoice when <paramref name="placed"/>.</summary>
        public async Task DisputeAsync(string disputeId, string charge, string status, long amountMinor, bool placed)
        {
            var disputes = new RefundStore(Tables).Disputes;
            await disputes.RecordAsync(new IncomingDispute("evt_" + Guid.NewGuid().ToString("N"), "charge.dispute.updated", disputeId, charge, "pi_" + charge,
                amountMinor, "USD", status, "fraudulent", DateTimeOffset.UtcNow), Ct);
            var (record, etag) = (await disputes.GetAsync(disputeId, Ct))!.Value;
            if (placed)
            {
                Assert.True(await disputes.TryPlaceAsync(record, etag, Intent.InvoiceId, Ct));
            }
        }

        public Task<BurnReleaseResult> ReleaseAsync(long amountMinor, string by = "finance-ops", string note = "kept the rest after a goodwill refund") =>
            Releaser.ReleaseAsync(Intent.Id, amountMinor, note, by, Ct);
    }

    internal static Invoice Invoice123_45(string invoiceId) =>
        new Invoice(InvoiceId.Parse(invoiceId), "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD,
            [new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(12_345, Currency.USD))]).Finalize();

    /// <summary>An invoice of 123.45 USD paid in full, its burn pending, and Stripe's refund of 23.45 of it outside any credit note, run once: held.</summary>
    private async Task<Harness> HeldAsync()
    {
        var rpc = chain.Localnet.CreateClient();
        await chain.Localnet.AdminAsync("admin_clearFaults", [], Ct);
        var treasury = chain.Localnet.LoadTreasury();
        var (mint, _) = await chain.Localnet.CreateMintWithBalanceAsync(rpc, treasury, treasury, 1_000_000_000_000, Ct);
        var tables = await chain.Azurite.NewTablesAsync();
        var (burns, credits, payments, refunds, ledger) = (new BurnStore(tables), new CreditNoteStore(tables), new PaymentStore(tables), new RefundStore(tables), new LedgerStore(tables, TestSeals.Keys));
        await ledger.EnsureCreatedAsync(Ct);
        var solana = Options.Create(new SolanaOptions { Mint = mint.ToString(), TreasuryKeypair = new JsonArray(chain.Localnet.Info.TreasuryKeypair.Select(b => (JsonNode?)(int)b).ToArray()).ToJsonString() });
        var executor = new BurnExecutor(burns, rpc, new FixedPriceOracle("2.50", TimeProvider.System), new TreasuryProvider(solana, rpc), new LedgerRecorder(ledger, new PartnerStore(tables), TimeProvider.System),
            credits, refunds, payments, new InvoiceStore(tables), StripeConfirmations.Local(tables), new LedgerName(Options.Create(new LedgerOptions()), tables), Options.Create(new BurnOptions { ConfirmationWait = TimeSpan.FromSeconds(10), LeaseDuration = TimeSpan.FromSeconds(60) }), TimeProvider.System, NullLogger<BurnExecutor>.Instance);
        string invoiceId = $"INV-carrier-{Guid.NewGuid().ToString("N")[..8]}-202610";
        var intent = (await burns.CreateIfAbsentAsync(SampleBurns.Pending(BurnIntent.IdFor(invoiceId), invoiceId, 12_345, DateTimeOffset.UtcNow) with { PaymentId = "evt_paid" }, Ct)).Intent;
        var paid = new InvoicePayments(new Dictionary<string, PaymentSource>(StringComparer.Ordinal) { ["in_release"] = new("USD", 12_345, Applied: true) }, "evt_paid");
        var payment = new PaymentRecord("evt_paid", invoiceId, intent.Payer, 12_345, "USD", "in_release", "cus_release", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow) { Resolution = PaymentResolution.Applied, DeltaMinor = 12_345, ToReceivableMinor = 12_345 };
        Assert.Equal(PaymentWrite.Recorded, await payments.TryRecordAsync(payment, paid, null, Ct));
        var invoices = new InvoiceStore(tables);
        await invoices.AddOrGetAsync(Invoice123_45(invoiceId), Ct);
        var h = new Harness(executor, Releasers.New(tables), burns, tables, rpc, mint, intent, ledger);
        await h.RefundAsync(2_345);
        await executor.RunAsync(Ct);
        Assert.Equal(BurnStatus.Held, (await h.GetAsync()).Status);
        return h;
    }

    // Stripe created the dispute before the release, but it was recorded after it (a delivery Stripe retried for days, or
    // placed by a late link): finance never saw it. Before, only the event's own time counted and the disputed cash burned.
    [Fact]
    public async Task ReleaseAsync_DisputeCreatedBeforeButRecordedAfterTheRelease_HoldsTheBurnAgain()
    {
        var h = await HeldAsync();
        ulong supply = await h.SupplyAsync();
        Assert.Equal(BurnReleaseOutcome.Released, (await h.ReleaseAsync(10_000)).Outcome);
        var disputes = new RefundStore(h.Tables).Disputes;
        await disputes.RecordAsync(new IncomingDispute("evt_" + Guid.NewGuid().ToString("N"), "charge.dispute.created", "du_late", "ch_release", "pi_release",
            12_345, "USD", "needs_response", "fraudulent", DateTimeOffset.UtcNow.AddHours(-1)), Ct);
        var (record, etag) = (await disputes.GetAsync("du_late", Ct))!.Value;
        Assert.True(await disputes.TryPlaceAsync(record, etag, h.Intent.InvoiceId, Ct));

        await h.Executor.RunAsync(Ct);

        var burn = await h.GetAsync();
        Assert.Equal((BurnStatus.Held, 0), (burn.Status, burn.Signings));
        Assert.Contains("Stripe dispute du_late", burn.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
    }

    [Fact]
    public async Task ReleaseAsync_WhatWasKept_BurnsThatAmountOnceAndRecordsWhoAndWhy()
    {
        var h = await HeldAsync();
        ulong supply = await h.SupplyAsync();

        var result = await h.ReleaseAsync(10_000);
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        Assert.Equal(BurnReleaseOutcome.Released, result.Outcome);
        var burn = await h.GetAsync();
        Assert.Equal((BurnStatus.Finalized, 10_000L, 1, "finance-ops", "kept the rest after a goodwill refund"), (burn.Status, burn.UsdMinor, burn.Signings, burn.ReleasedBy, burn.ReleaseNote));
        Assert.NotNull(burn.ReleasedAt);
        Assert.Equal(supply - 4_000_000_000UL, await h.SupplyAsync()); // 100.00 USD at 2.50, not the invoice's 123.45
        var booked = Assert.Single(await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct), e => e.Kind == LedgerEntryKind.TokensBurned);
        Assert.Equal(("finance-ops", "10000", "kept the rest after a goodwill refund"), (booked.Metadata["releasedBy"], booked.Metadata["releasedUsdMinor"], booked.Metadata["releaseNote"]));
    }

    [Theory]
    [InlineData(10_001)] // a cent more than was kept
    [InlineData(12_345)] // the whole invoice
    public async Task ReleaseAsync_MoreThanWasKept_RefusedAndStillHeld(long amountMinor)
    {
        var h = await HeldAsync();

        var result = await h.ReleaseAsync(amountMinor);

        Assert.Equal(BurnReleaseOutcome.ExceedsKept, result.Outcome);
        Assert.Contains("kept after its credit notes and refunds, 100.00 USD (10000 minor units)", result.Detail, StringComparison.Ordinal);
        var burn = await h.GetAsync();
        Assert.Equal((BurnStatus.Held, 12_345L, (string?)null), (burn.Status, burn.UsdMinor, burn.ReleasedBy));
    }

    [Fact]
    public async Task ReleaseAsync_RefundAfterTheRelease_HeldAgainBeforeSigning()
    {
        var h = await HeldAsync();
        ulong supply = await h.SupplyAsync();
        Assert.Equal(BurnReleaseOutcome.Released, (await h.ReleaseAsync(10_000)).Outcome);

        await h.RefundAsync(1_000, "ch_later"); // 10.00 more went back before the executor ran
        await h.Executor.RunAsync(Ct);

        var burn = await h.GetAsync();
        Assert.Equal((BurnStatus.Held, (string?)null, 0), (burn.Status, burn.Signature, burn.Signings));
        Assert.Contains("keeps only 9000", burn.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
        Assert.Equal(BurnReleaseOutcome.Released, (await h.ReleaseAsync(9_000)).Outcome); // finance decides again
    }

    [Fact]
    public async Task ReleaseAsync_UnplacedRefundOfTheCustomerAfterTheRelease_HeldAgainBeforeSigning()
    {
        var h = await HeldAsync();
        ulong supply = await h.SupplyAsync();
        Assert.Equal(BurnReleaseOutcome.Released, (await h.ReleaseAsync(10_000)).Outcome);

        // Stripe refunds 50.00 of the customer's charge; its invoice_payment.paid link has not arrived, so no invoice is found for it
        await h.UnplacedRefundAsync(5_000, DateTimeOffset.UtcNow);
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        // Before, the released burn only compared with the refunds placed under its invoice: it was signed and finalized for 100.00.
        var burn = await h.GetAsync();
        Assert.Equal((BurnStatus.Held, (string?)null, 0), (burn.Status, burn.Signature, burn.Signings));
        Assert.Contains("Stripe refunded 5000 minor units of USD on charges of customer cus_release (ch_unplaced)", burn.Reason, StringComparison.Ordinal);
        Assert.Contains("that no invoice is found for yet", burn.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());

        Assert.Equal(BurnReleaseOutcome.Released, (await h.ReleaseAsync(5_000, note: "the 50.00 refund was this invoice's")).Outcome); // finance decides again, with it in view
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);
        Assert.Equal((BurnStatus.Finalized, 5_000L), ((await h.GetAsync()).Status, (await h.GetAsync()).UsdMinor));
    }

    [Fact]
    public async Task ReleaseAsync_UnplacedRefundOfTheCustomerStandsWhenReleased_ReleasedWithItNamedAndSigned()
    {
        var h = await HeldAsync();
        await h.UnplacedRefundAsync(5_000, DateTimeOffset.UtcNow.AddMinutes(-1)); // stands before finance decides

        var result = await h.ReleaseAsync(10_000);
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        // Finance's release is the designed way past a refund no invoice is found for (the hold's reason says so); it decides with it named.
        Assert.Equal(BurnReleaseOutcome.Released, result.Outcome);
        Assert.Contains("Stripe refunded 5000 minor units of USD on charges of customer cus_release (ch_unplaced)", result.Detail, StringComparison.Ordinal);
        Assert.Equal((BurnStatus.Finalized, 10_000L), ((await h.GetAsync()).Status, (await h.GetAsync()).UsdMinor));
    }

    [Fact]
    public async Task ReleaseAsync_HeldAgainAndReleasedAgain_KeepsEveryReleaseAndBooksTheOneThatStands()
    {
        var h = await HeldAsync();
        ulong supply = await h.SupplyAsync();
        await h.ReleaseAsync(10_000, "finance-ops", "kept the rest after a goodwill refund");
        await h.RefundAsync(1_000, "ch_later");
        await h.Executor.RunAsync(Ct); // held again

        await h.ReleaseAsync(9_000, "finance-lead", "a second refund of 10.00");
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        // Before, the second release wrote over the first's who, when and why: nothing on the burn said 100.00 had been decided first.
        var burn = await h.GetAsync();
        Assert.Equal(
            [("finance-ops", 10_000L, (long?)10_000L, "kept the rest after a goodwill refund"), ("finance-lead", 9_000L, (long?)9_000L, "a second refund of 10.00")],
            burn.Releases.Select(r => (r.By, r.AmountMinor, r.KeptMinor, r.Note)));
        Assert.True(burn.Releases[0].At <= burn.Releases[1].At);
        Assert.Equal((BurnStatus.Finalized, 9_000L, "finance-lead"), (burn.Status, burn.UsdMinor, burn.ReleasedBy));
        Assert.Equal(supply - 3_600_000_000UL, await h.SupplyAsync()); // 90.00 USD at 2.50, once
        var booked = Assert.Single(await h.Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct), e => e.Kind == LedgerEntryKind.TokensBurned);
        Assert.Equal(("finance-lead", "9000", "a second refund of 10.00"), (booked.Metadata["releasedBy"], booked.Metadata["releasedUsdMinor"], booked.Metadata["releaseNote"]));
    }

    [Fact]
    public async Task ReleaseAsync_BurnReleasedTheMostTimes_RefusedAndUnchanged()
    {
        var h = await HeldAsync();
        var (held, etag) = (await h.Burns.GetAsync(h.Intent.Id, Ct))!.Value;
        var decisions = Enumerable.Range(0, BurnReleaser.MaxReleases).Select(i => new BurnRelease("finance-ops", DateTimeOffset.UtcNow, 12_000 - i, 12_000 - i, $"release {i}")).ToArray();
        Assert.NotNull(await h.Burns.TryReplaceAsync(held with { Releases = decisions }, etag, Ct));

        var result = await h.ReleaseAsync(5_000);

        Assert.Equal(BurnReleaseOutcome.TooManyReleases, result.Outcome);
        Assert.Contains($"was released {BurnReleaser.MaxReleases} times", result.Detail, StringComparison.Ordinal);
        var burn = await h.GetAsync();
        Assert.Equal((BurnStatus.Held, 12_345L, BurnReleaser.MaxReleases), (burn.Status, burn.UsdMinor, burn.Releases.Count));
    }

    [Fact]
    public async Task ReleaseAsync_Zero_SkipsTheBurnWithTheReasonAndSignsNothing()
    {
        var h = await HeldAsync();
        ulong supply = await h.SupplyAsync();

        await h.ReleaseAsync(0);
        await h.Executor.RunAsync(Ct);

        var burn = await h.GetAsync();
        Assert.Equal((BurnStatus.Skipped, 0L, 0), (burn.Status, burn.UsdMinor, burn.Signings));
        Assert.Equal(("released by finance-ops with nothing to burn", "kept the rest after a goodwill refund"), (burn.Reason, burn.ReleaseNote)); // the note is finance's, never in a reason a payer may see
        Assert.Equal(supply, await h.SupplyAsync());
    }

    [Fact]
    public async Task ReleaseAsync_BurnNotHeldOrMissing_RefusedAndUnchanged()
    {
        var h = await HeldAsync();
        await h.ReleaseAsync(10_000);
        await h.Executor.RunAsync(Ct);

        var again = await h.ReleaseAsync(5_000);
        var missing = await h.Releaser.ReleaseAsync("burn-INV-nobody-202610", 1, "x", "finance-ops", Ct);

        Assert.Equal((BurnReleaseOutcome.NotHeld, BurnStatus.Finalized, 10_000L), (again.Outcome, (await h.GetAsync()).Status, (await h.GetAsync()).UsdMinor));
        Assert.Contains("is finalized; only a held burn is released", again.Detail, StringComparison.Ordinal);
        Assert.Equal(BurnReleaseOutcome.NotFound, missing.Outcome);
    }

    // Before: the ceiling subtracted credit notes and refunds only, so finance could release the 30.00 a lost dispute took back.
    [Fact]
    public async Task ReleaseAsync_MoreThanKeptAfterALostDispute_RefusedNamingItThenWhatWasKeptLands()
    {
        var h = await HeldAsync(); // 100.00 kept after the refund
        ulong supply = await h.SupplyAsync();
        await h.DisputeAsync("du_lost", "ch_release", "lost", 3_000, placed: true);

        var refused = await h.ReleaseAsync(10_000);
        var released = await h.ReleaseAsync(7_000);
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        Assert.Equal(BurnReleaseOutcome.ExceedsKept, refused.Outcome);
        Assert.Contains("kept after its credit notes, refunds and lost dispute du_lost of 30.00 USD (3000 minor units) (that cash went back to the customer), 70.00 USD (7000 minor units)",
            refused.Detail, StringComparison.Ordinal);
        Assert.Equal(BurnReleaseOutcome.Released, released.Outcome);
        Assert.Equal((BurnStatus.Finalized, 7_000L), ((await h.GetAsync()).Status, (await h.GetAsync()).UsdMinor));
        Assert.Equal(supply - 2_800_000_000UL, await h.SupplyAsync()); // 70.00 USD at 2.50
    }

    [Fact]
    public async Task ReleaseAsync_ReleasedBurnLandsThenADisputeOfItsChargeIsLost_ReconcileReportsItBeyondWhatWasKept()
    {
        var h = await HeldAsync(); // 100.00 kept after the refund
        Assert.Equal(BurnReleaseOutcome.Released, (await h.ReleaseAsync(10_000)).Outcome);
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);
        Assert.Equal(BurnStatus.Finalized, (await h.GetAsync()).Status);

        await h.DisputeAsync("du_after", "ch_release", "lost", 3_000, placed: true);
        var reconciled = await ReconcileOnlyLedger.AuditOver(h.Tables).ReconcileAsync(Ct);

        var finding = Assert.Single(reconciled.Mismatches, m => m.Kind == "ReleasedBurnExceedsKept"); // before: none, the lost dispute not counted
        Assert.Equal(h.Intent.Id, finding.Subject);
        Assert.Contains("keeps 7000 after its credit notes, refunds and lost disputes", finding.Detail, StringComparison.Ordinal);
    }

    // A dispute names no customer; its charge's refund (charge.refunded names one) says whose it is. Before: unplaced, it held nothing.
    [Fact]
    public async Task ReleaseAsync_UnplacedDisputeOfTheCustomersChargeAfterTheRelease_HeldAgainNamingIt()
    {
        var h = await HeldAsync();
        ulong supply = await h.SupplyAsync();
        await new InvoicePaymentLinkStore(h.Tables).RecordAsync(new InvoicePaymentLink("evt_link", "inpay_1", "in_release", "pi_release", DateTimeOffset.UtcNow), Ct); // its own payment is known
        await h.UnplacedRefundAsync(1_000, DateTimeOffset.UtcNow.AddMinutes(-1)); // of charge ch_unplaced of the same customer
        Assert.Equal(BurnReleaseOutcome.Released, (await h.ReleaseAsync(10_000)).Outcome);

        await h.DisputeAsync("du_customer", "ch_unplaced", "needs_response", 4_000, placed: false);
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        var burn = await h.GetAsync();
        Assert.Equal((BurnStatus.Held, 0), (burn.Status, burn.Signings));
        Assert.Contains("Stripe dispute du_customer", burn.Reason, StringComparison.Ordinal);
        Assert.Contains("customer cus_release", burn.Reason, StringComparison.Ordinal);
        Assert.Contains("DisputeUnplaced", burn.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
    }
}
