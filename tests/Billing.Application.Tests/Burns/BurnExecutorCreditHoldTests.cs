using Billing.Tests.Shared;

namespace Billing.Application.Tests.Burns;

/// <summary>
/// The credit-note hold on the localnet: while a credit note stands against an invoice its burn is never signed, a void
/// releases it (and it then lands once), and credit notes that cannot be read hold it rather than fail it. A refund Stripe
/// made outside any credit note holds it too; one on another invoice's charge does not.
/// </summary>
public partial class BurnExecutorCreditHoldTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private sealed record Harness(BurnExecutor Executor, BurnStore Burns, CreditNoteStore Credits, SolanaRpcClient Rpc, PublicKey Mint, BillingTables Tables, LedgerAnchorService Anchoring)
    {
        public LedgerStore Ledger { get; } = new(Tables, TestSeals.Keys);

        public async Task<BurnIntent> GetAsync(string id) => (await Burns.GetAsync(id, Ct))!.Value.Intent;

        public async Task<ulong> SupplyAsync() => (await Rpc.GetTokenSupplyAsync(Mint, Commitment.Confirmed, Ct)).Amount;

        /// <summary>Records credit note <c>cn_hold</c> of the invoice (or its void) as the webhook does.</summary>
        public async Task CreditNoteAsync(string invoiceId, bool voided)
        {
            var (state, etag) = await Credits.GetStateAsync(invoiceId, Ct);
            var note = new IncomingCreditNote("evt_" + Guid.NewGuid().ToString("N"), "cn_hold", "in_hold", voided, "USD", new CreditNoteAmounts(1_000, 0, 1_000, 1_000, 0), DateTimeOffset.UtcNow);
            var decision = CreditNoteApplication.Decide(null, 0, state, note);
            var record = new CreditNoteRecord(note, invoiceId, DateTimeOffset.UtcNow) { Resolution = decision.Resolution, Reason = decision.Reason, Detail = decision.Detail };
            Assert.Equal(PaymentWrite.Recorded, await Credits.TryRecordAsync(record, decision.State, etag, Ct));
        }

        /// <summary>Books credit note <c>cn_hold</c> of the invoice as the credit note processor does once it applied it (100% refunded).</summary>
        public async Task<string> BookCreditNoteAsync(string invoiceId)
        {
            var note = new CreditNoteEntry("cn_hold", "in_hold", "USD", new CreditNoteAmounts(1_000, 0, 1_000, 1_000, 0), true, CreditNoteReason.None, DateTimeOffset.UtcNow, "evt_cn_hold");
            return (await Ledger.AppendAsync(LedgerEntries.MainBook, CreditNoteEntries.Issued(note, invoiceId, InvoiceId.Parse(invoiceId).Payer, note.IssuedAt)!, Ct)).EntryId;
        }

        /// <summary>Records and places a refund of <paramref name="refundedMinor"/> on charge <paramref name="charge"/> (Stripe's event at <paramref name="refundedAt"/>, now by default) and books it now, as the refund processor does.</summary>
        public async Task<string> BookedRefundAsync(string invoiceId, string charge, long refundedMinor, DateTimeOffset? refundedAt = null)
        {
            var at = refundedAt ?? DateTimeOffset.UtcNow;
            await RefundRows.PlacedAsync(Tables, new IncomingRefund("evt_re_" + charge, charge, null, "in_hold", "cus_hold", refundedMinor, "USD", at), invoiceId);
            var draft = RefundEntries.Refunded(new RefundBooking(charge, 1, refundedMinor, refundedMinor, "USD", "evt_re_" + charge, invoiceId, "cus_hold"), 0, at)!;
            return (await Ledger.AppendAsync(LedgerEntries.MainBook, draft, Ct)).EntryId;
        }

        /// <summary>Deletes every row of <paramref name="table"/> in <paramref name="partition"/> (or the one row <paramref name="rowKey"/>), as someone with write access to storage can.</summary>
        public static async Task DeleteAsync(TableClient table, string partition, string? rowKey = null)
        {
            await foreach (var row in table.QueryAsync<TableEntity>(e => e.PartitionKey == partition, cancellationToken: Ct))
            {
                if (rowKey is null || row.RowKey == rowKey)
                {
                    await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, Azure.ETag.All, Ct);
                }
            }
        }

        /// <summary>Records Stripe's <c>charge.refunded</c> of <paramref name="refundedMinor"/> on a charge found to have paid <paramref name="invoiceId"/>.</summary>
        public Task RefundAsync(string invoiceId, long refundedMinor, string? problem = null) => RefundRows.PlacedAsync(Tables,
            new IncomingRefund("evt_" + Guid.NewGuid().ToString("N"), "ch_" + Guid.NewGuid().ToString("N")[..10], null, "in_hold", "cus_hold", refundedMinor, "USD", DateTimeOffset.UtcNow, problem), invoiceId);

        /// <summary>Records Stripe's <c>charge.dispute.*</c> of dispute <c>du_hold</c> with <paramref name="status"/>, placed under <paramref name="invoiceId"/> as the placement leaves it.</summary>
        public async Task DisputeAsync(string invoiceId, string status, int minute)
        {
            var disputes = new RefundStore(Tables).Disputes;
            await disputes.RecordAsync(new IncomingDispute("evt_" + Guid.NewGuid().ToString("N"), "charge.dispute.updated", "du_hold", "ch_hold", "pi_hold", 12_345, "USD", status, "fraudulent", DisputedAt.AddMinutes(minute)), Ct);
            var (record, etag) = (await disputes.GetAsync("du_hold", Ct))!.Value;
            if (record.InvoiceId != invoiceId)
            {
                Assert.True(await disputes.TryPlaceAsync(record, etag, invoiceId, Ct));
            }
        }
    }

    private static readonly DateTimeOffset DisputedAt = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private async Task<(Harness H, BurnIntent Intent)> NewAsync()
    {
        var rpc = chain.Localnet.CreateClient();
        await chain.Localnet.AdminAsync("admin_clearFaults", [], Ct);
        var treasury = chain.Localnet.LoadTreasury();
        var (mint, _) = await chain.Localnet.CreateMintWithBalanceAsync(rpc, treasury, treasury, 1_000_000_000_000, Ct);
        var tables = await chain.Azurite.NewTablesAsync();
        var (burns, credits, ledger) = (new BurnStore(tables), new CreditNoteStore(tables), new LedgerStore(tables, TestSeals.Keys));
        await ledger.EnsureCreatedAsync(Ct);
        var solana = Options.Create(new SolanaOptions { Mint = mint.ToString(), TreasuryKeypair = new JsonArray(chain.Localnet.Info.TreasuryKeypair.Select(b => (JsonNode?)(int)b).ToArray()).ToJsonString() });
        var executor = new BurnExecutor(burns, rpc, new FixedPriceOracle("2.50", TimeProvider.System), new TreasuryProvider(solana, rpc), new LedgerRecorder(ledger, new PartnerStore(tables), TimeProvider.System),
            credits, new RefundStore(tables), new PaymentStore(tables), new InvoiceStore(tables), StripeConfirmations.Local(tables), new LedgerName(Options.Create(new LedgerOptions()), tables), Options.Create(new BurnOptions { ConfirmationWait = TimeSpan.FromSeconds(10), LeaseDuration = TimeSpan.FromSeconds(60) }), TimeProvider.System, NullLogger<BurnExecutor>.Instance);
        var anchors = new AnchorStore(tables);
        await anchors.EnsureCreatedAsync(Ct);
        var ledgerOptions = Options.Create(new LedgerOptions());
        var anchoring = new LedgerAnchorService(ledger, anchors, rpc, new AnchorAuthority(ledgerOptions, new TreasuryProvider(solana, rpc), tables), Ledger.LedgerTestSetup.Pinner(tables),
            ledgerOptions, TimeProvider.System, NullLogger<LedgerAnchorService>.Instance);
        var intent = await PaidBurns.CreateAsync(tables, 12_345);
        return (new Harness(executor, burns, credits, rpc, mint, tables, anchoring), intent);
    }

    [Fact]
    public async Task RunAsync_CreditNoteStandsAgainstTheInvoice_HoldsTheBurnAndSignsNothing()
    {
        var (h, intent) = await NewAsync();
        ulong supply = await h.SupplyAsync();
        await h.CreditNoteAsync(intent.InvoiceId, voided: false);

        var summary = await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        var held = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Held, (string?)null, 0, 0), (held.Status, held.Signature, held.Signings, summary.Finalized));
        Assert.Contains("credit notes stand against", held.Reason, StringComparison.Ordinal);
        Assert.Contains("cn_hold", held.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RunAsync_RefundedOutsideAnyCreditNote_HoldsItsOwnInvoicesBurnOnly(bool ownInvoice)
    {
        var (h, intent) = await NewAsync();
        ulong supply = await h.SupplyAsync();
        await h.RefundAsync(ownInvoice ? intent.InvoiceId : "INV-carrier-other-202610", 500);

        var summary = await h.Executor.RunAsync(Ct);

        var after = await h.GetAsync(intent.Id);
        if (ownInvoice)
        {
            Assert.Equal((BurnStatus.Held, (string?)null, 0), (after.Status, after.Signature, after.Signings));
            Assert.Contains("Stripe refunded 500 minor units of USD", after.Reason, StringComparison.Ordinal);
            Assert.Contains("RefundWithoutCreditNote", after.Reason, StringComparison.Ordinal);
            Assert.Equal(supply, await h.SupplyAsync());
        }
        else
        {
            Assert.Equal((1, BurnStatus.Finalized), (summary.Finalized, after.Status));
        }
    }

    [Fact]
    public async Task RunAsync_RefundOfTheInvoiceWhoseAmountCannotBeRead_HoldsTheBurnAsACreditNoteOfABadAmountDoes()
    {
        // Before: the refund was kept as 0 refunded, so nothing was beyond the credit notes and the burn was signed.
        var (h, intent) = await NewAsync();
        ulong supply = await h.SupplyAsync();
        await h.RefundAsync(intent.InvoiceId, 0, "amount_refunded \"lots\" is not an integer of minor units");

        await h.Executor.RunAsync(Ct);

        var after = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Held, (string?)null, 0), (after.Status, after.Signature, after.Signings));
        Assert.Contains("cannot be read", after.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
    }

    [Fact]
    public async Task RunAsync_CreditNoteVoided_ReleasesTheHeldBurnWhichLandsOnce()
    {
        var (h, intent) = await NewAsync();
        ulong supply = await h.SupplyAsync();
        await h.CreditNoteAsync(intent.InvoiceId, voided: false);
        await h.Executor.RunAsync(Ct);
        await h.CreditNoteAsync(intent.InvoiceId, voided: true);

        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        var final = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Finalized, 1), (final.Status, final.Signings));
        Assert.Equal(supply - 4_938_000_000UL, await h.SupplyAsync()); // docs/contract.md §7: 123.45 USD at 2.50
    }

    [Theory]
    [InlineData("needs_response")]
    [InlineData("warning_under_review")]
    [InlineData("lost")]
    public async Task RunAsync_DisputeOpenOrLostOnTheInvoicesCharge_HoldsTheBurnNamingIt(string status)
    {
        var (h, intent) = await NewAsync();
        ulong supply = await h.SupplyAsync();
        await h.DisputeAsync(intent.InvoiceId, "needs_response", 0);
        await h.DisputeAsync(intent.InvoiceId, status, 1);

        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        var held = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Held, (string?)null, 0), (held.Status, held.Signature, held.Signings));
        Assert.Contains("Stripe dispute du_hold", held.Reason, StringComparison.Ordinal);
        Assert.Contains(status == "lost" ? "DisputeLost" : "DisputeOpen", held.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
    }

    [Theory]
    [InlineData("won")]
    [InlineData("warning_closed")]
    public async Task RunAsync_DisputeWonAfterItHeldTheBurn_ReleasedToPendingAndLandsOnce(string status)
    {
        var (h, intent) = await NewAsync();
        ulong supply = await h.SupplyAsync();
        await h.DisputeAsync(intent.InvoiceId, "needs_response", 0);
        await h.Executor.RunAsync(Ct);
        Assert.Equal(BurnStatus.Held, (await h.GetAsync(intent.Id)).Status);
        await h.DisputeAsync(intent.InvoiceId, status, 5);

        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        var final = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Finalized, 1), (final.Status, final.Signings));
        Assert.Equal(supply - 4_938_000_000UL, await h.SupplyAsync()); // 123.45 USD at 2.50, as without a dispute
    }

    [Fact]
    public async Task RunAsync_DisputeLostAfterTheBurnLanded_BurnUntouched()
    {
        var (h, intent) = await NewAsync();
        await h.Executor.RunAsync(Ct);
        var landed = await h.GetAsync(intent.Id);
        Assert.Equal(BurnStatus.Finalized, landed.Status);

        await h.DisputeAsync(intent.InvoiceId, "lost", 0);
        await h.Executor.RunAsync(Ct);

        Assert.Equal(landed, await h.GetAsync(intent.Id)); // nothing is un-burned; reconcile reports DisputeLost as already signed
    }

    [Fact]
    public async Task RunAsync_CreditNotesOfTheInvoiceUnreadable_HoldsInsteadOfFailingOrSigning()
    {
        var (h, intent) = await NewAsync();
        await h.Tables.Credits.UpsertEntityAsync(new TableEntity(TableKey.Escape(intent.InvoiceId), "|state") { ["Notes"] = 5 });

        await h.Executor.RunAsync(Ct);

        var held = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Held, (string?)null), (held.Status, held.Signature));
        Assert.Contains("property 'Notes'", held.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_CreditNoteRowsDeletedAfterItWasBooked_StillHeldNamingTheBookEntry()
    {
        // Before: the hold read only the credit note rows, so deleting them lifted it and the burn was signed.
        var (h, intent) = await NewAsync();
        ulong supply = await h.SupplyAsync();
        await h.CreditNoteAsync(intent.InvoiceId, voided: false);
        string entry = await h.BookCreditNoteAsync(intent.InvoiceId);
        await h.Executor.RunAsync(Ct);
        Assert.Equal(BurnStatus.Held, (await h.GetAsync(intent.Id)).Status);

        await Harness.DeleteAsync(h.Tables.Credits, TableKey.Escape(intent.InvoiceId));
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        var held = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Held, (string?)null, 0), (held.Status, held.Signature, held.Signings));
        Assert.Contains(entry, held.Reason, StringComparison.Ordinal);
        Assert.Contains("CreditNoteRowMissing", held.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
    }

    [Fact]
    public async Task RunAsync_RefundRowDeletedAfterItWasBooked_StillHeldNamingTheBookEntry()
    {
        var (h, intent) = await NewAsync();
        ulong supply = await h.SupplyAsync();
        string entry = await h.BookedRefundAsync(intent.InvoiceId, "ch_gone", 500);
        await h.Executor.RunAsync(Ct);
        Assert.Equal(BurnStatus.Held, (await h.GetAsync(intent.Id)).Status);

        await Harness.DeleteAsync(h.Tables.Refunds, RefundStore.Partition, "ch_gone");
        await h.Executor.RunAsync(Ct);

        var held = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Held, (string?)null, 0), (held.Status, held.Signature, held.Signings));
        Assert.Contains(entry, held.Reason, StringComparison.Ordinal);
        Assert.Contains("RefundRowMissing", held.Reason, StringComparison.Ordinal);
        Assert.Equal(supply, await h.SupplyAsync());
    }

    [Fact]
    public async Task RunAsync_HeldByTheBookThenReleasedByFinance_SignedAsReleased()
    {
        var (h, intent) = await NewAsync();
        await h.BookedRefundAsync(intent.InvoiceId, "ch_gone", 500);
        await Harness.DeleteAsync(h.Tables.Refunds, RefundStore.Partition, "ch_gone");
        await h.Executor.RunAsync(Ct);
        Assert.Equal(BurnStatus.Held, (await h.GetAsync(intent.Id)).Status);
        var releaser = Releasers.New(h.Tables);

        var released = await releaser.ReleaseAsync(intent.Id, 11_845, "ch_gone's 5.00 refund checked in Stripe; its row was lost", "finance-ops", Ct);
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        Assert.Equal(BurnReleaseOutcome.Released, released.Outcome);
        var burn = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Finalized, 11_845L), (burn.Status, burn.UsdMinor)); // before: held again by the book on every run, the release ignored
    }

    [Fact]
    public async Task RunAsync_ReleasedThenARefundMadeBeforeTheReleaseBookedAfterIt_HeldAgain()
    {
        // Before: the hold compared the release with the entry's OccurredAt (Stripe's event time), so a refund made before the
        // release but delivered and booked after it, its row then deleted, did not hold: the burn was signed.
        var (h, intent) = await NewAsync();
        await h.BookedRefundAsync(intent.InvoiceId, "ch_gone", 500);
        await Harness.DeleteAsync(h.Tables.Refunds, RefundStore.Partition, "ch_gone");
        await h.Executor.RunAsync(Ct);
        var releaser = Releasers.New(h.Tables);
        Assert.Equal(BurnReleaseOutcome.Released, (await releaser.ReleaseAsync(intent.Id, 11_845, "ch_gone's 5.00 refund checked in Stripe", "finance-ops", Ct)).Outcome);

        string late = await h.BookedRefundAsync(intent.InvoiceId, "ch_late", 300, refundedAt: DateTimeOffset.UtcNow.AddHours(-1));
        await Harness.DeleteAsync(h.Tables.Refunds, RefundStore.Partition, "ch_late");
        await h.Executor.RunAsync(Ct);

        var held = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Held, (string?)null), (held.Status, held.Signature));
        Assert.Contains(late, held.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_RefundRowRewrittenToLessThanBooked_StillHeldNamingTheBookEntry()
    {
        var (h, intent) = await NewAsync();
        string entry = await h.BookedRefundAsync(intent.InvoiceId, "ch_less", 500);
        var row = (await h.Tables.Refunds.GetEntityAsync<TableEntity>(RefundStore.Partition, "ch_less", cancellationToken: Ct)).Value;
        row["AmountRefundedMinor"] = 0L;
        await h.Tables.Refunds.UpdateEntityAsync(row, Azure.ETag.All, TableUpdateMode.Replace, Ct);

        await h.Executor.RunAsync(Ct);

        var held = await h.GetAsync(intent.Id);
        Assert.Equal((BurnStatus.Held, (string?)null), (held.Status, held.Signature));
        Assert.Contains(entry, held.Reason, StringComparison.Ordinal);
    }
}
