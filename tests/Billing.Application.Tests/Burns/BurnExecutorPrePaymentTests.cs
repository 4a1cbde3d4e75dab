namespace Billing.Application.Tests.Burns;

/// <summary>
/// Pre-payment credit notes on the localnet (docs/design.md §4.16): a note already in the settled amount does not hold the
/// burn, which converts exactly the cash received; a void before signing holds it until the invoice is paid again, and then
/// it burns what was received, once.
/// </summary>
public class BurnExecutorPrePaymentTests(BurnChainFixture chain) : IClassFixture<BurnChainFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private sealed record Harness(CreditNoteSetup S, BurnExecutor Executor, SolanaRpcClient Rpc, PublicKey Mint, string InvoiceId, string StripeInvoice)
    {
        public async Task<BurnIntent> BurnAsync() => (await S.Burns.GetAsync(BurnIntent.IdFor(InvoiceId), Ct))!.Value.Intent;

        public async Task<ulong> SupplyAsync() => (await Rpc.GetTokenSupplyAsync(Mint, Commitment.Confirmed, Ct)).Amount;
    }

    /// <summary>An unpaid invoice of 100.00 USD synced to a Stripe invoice, and an executor on a mint of its own.</summary>
    private async Task<Harness> NewAsync()
    {
        var rpc = chain.Localnet.CreateClient();
        await chain.Localnet.AdminAsync("admin_clearFaults", [], Ct);
        var treasury = chain.Localnet.LoadTreasury();
        var (mint, _) = await chain.Localnet.CreateMintWithBalanceAsync(rpc, treasury, treasury, 1_000_000_000_000, Ct);
        var s = await CreditNoteSetup.NewAsync(chain.Azurite);
        var solana = Options.Create(new SolanaOptions { Mint = mint.ToString(), TreasuryKeypair = new JsonArray(chain.Localnet.Info.TreasuryKeypair.Select(b => (JsonNode?)(int)b).ToArray()).ToJsonString() });
        var executor = new BurnExecutor(s.Burns, rpc, new FixedPriceOracle("2.50", TimeProvider.System), new TreasuryProvider(solana, rpc), new LedgerRecorder(s.Ledger, new PartnerStore(s.Tables), TimeProvider.System),
            new CreditNoteStore(s.Tables), new RefundStore(s.Tables), new PaymentStore(s.Tables), s.Invoices, StripeConfirmations.Local(s.Tables), new LedgerName(Options.Create(new LedgerOptions()), s.Tables),
            Options.Create(new BurnOptions { ConfirmationWait = TimeSpan.FromSeconds(10), LeaseDuration = TimeSpan.FromSeconds(60) }), TimeProvider.System, NullLogger<BurnExecutor>.Instance);
        var (id, _, stripeInvoice) = await s.PaidInvoiceAsync(paidMinor: 0, syncedTo: "in_pre_" + Guid.NewGuid().ToString("N")[..8]);
        return new Harness(s, executor, rpc, mint, id, stripeInvoice);
    }

    [Fact]
    public async Task RunAsync_PrePaymentNoteInTheSettledAmount_NotHeldBurnsTheCashReceivedOnce()
    {
        var h = await NewAsync();
        ulong supply = await h.SupplyAsync();
        await h.S.Credits.RecordAsync(CreditNoteSetup.Note(h.StripeInvoice, 3_000, pre: 3_000), Ct);
        await h.S.Payments.RecordAsync(CreditNoteSetup.Paid(h.InvoiceId, h.StripeInvoice, 7_000), Ct);

        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        var burn = await h.BurnAsync();
        Assert.Equal((BurnStatus.Finalized, 7_000L, 1), (burn.Status, burn.UsdMinor, burn.Signings));
        Assert.Equal(supply - 2_800_000_000UL, await h.SupplyAsync()); // 70.00 USD at 2.50 USD/token, 8 decimals
        Assert.Empty(await h.S.ReconcileAsync());
    }

    [Fact]
    public async Task RunAsync_PrePaymentNoteVoidedBeforeSigning_HeldUntilPaidAgainThenBurnsWhatWasReceived()
    {
        var h = await NewAsync();
        ulong supply = await h.SupplyAsync();
        var note = CreditNoteSetup.Note(h.StripeInvoice, 3_000, pre: 3_000);
        await h.S.Credits.RecordAsync(note, Ct);
        await h.S.Payments.RecordAsync(CreditNoteSetup.Paid(h.InvoiceId, h.StripeInvoice, 7_000), Ct);
        await h.S.Credits.RecordAsync(note with { EventId = note.EventId + "_void", Voided = true }, Ct);

        await h.Executor.RunAsync(Ct);
        var held = await h.BurnAsync();
        await h.S.Payments.RecordAsync(CreditNoteSetup.Paid(h.InvoiceId, h.StripeInvoice, 10_000), Ct); // Stripe's cumulative amount_paid
        await h.Executor.RunAsync(Ct);
        await h.Executor.RunAsync(Ct);

        Assert.Equal((BurnStatus.Held, (string?)null, 7_000L), (held.Status, held.Signature, held.UsdMinor));
        Assert.Contains($"{h.InvoiceId} owes 3000 minor units again (received 7000, due 10000) since pre-payment credit notes were voided ({note.CreditNoteId})", held.Reason, StringComparison.Ordinal);
        var burn = await h.BurnAsync();
        Assert.Equal((BurnStatus.Finalized, 10_000L, 1), (burn.Status, burn.UsdMinor, burn.Signings));
        Assert.Equal(supply - 4_000_000_000UL, await h.SupplyAsync());
        Assert.Equal(InvoiceStatus.Paid, (await h.S.InvoiceAsync(h.InvoiceId)).Status);
    }
}
