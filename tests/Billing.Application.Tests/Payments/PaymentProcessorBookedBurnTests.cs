namespace Billing.Application.Tests.Payments;

/// <summary>
/// Settling an invoice whose burn the ledger already books, against Azurite: as after someone with write access to storage
/// deleted the finalized burn row and planted the unsettled marker. The executor's side is BurnExecutorBookedBurnTests.
/// </summary>
public class PaymentProcessorBookedBurnTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private sealed record Setup(BillingTables Tables, PaymentStore Payments, BurnStore Burns, LedgerAudit Audit, PaymentProcessor Processor, string InvoiceId, BurnIntent Burn);

    /// <summary>An invoice paid in full whose burn landed and was booked: its burn row, as finalized, is still there.</summary>
    private async Task<Setup> BurnedAsync()
    {
        var (tables, ledger, audit) = await ReconcileOnlyLedger.NewAsync(azurite);
        var (invoices, payments, burns) = (new InvoiceStore(tables), new PaymentStore(tables), new BurnStore(tables));
        var recorder = new LedgerRecorder(ledger, new PartnerStore(tables), TimeProvider.System);
        var (refunds, links) = (new RefundStore(tables), new InvoicePaymentLinkStore(tables));
        var processor = new PaymentProcessor(payments, invoices, new PartnerStore(tables), burns, new CreditNoteStore(tables), recorder, ledger,
            new BurnTrigger(new ServiceCollection().BuildServiceProvider(), new NoLifetime(), NullLogger<BurnTrigger>.Instance),
            new InvoicePaymentProcessor(links, refunds, new RefundPlacement(refunds, links, invoices, payments)), StripeConfirmations.Local(tables), TimeProvider.System, NullLogger<PaymentProcessor>.Instance);
        string payer = "carrier-" + Guid.NewGuid().ToString("N")[..8];
        var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(10_000, Currency.USD));
        var invoice = new Invoice(new InvoiceId(payer, new BillingPeriod(2026, 10)), "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [line]).Finalize();
        await invoices.AddOrGetAsync(invoice, Ct);
        await recorder.InvoiceFinalizedAsync(invoice, Ct);
        string id = invoice.Id.ToString();
        await processor.RecordAsync(new WebhookOutcome.PaymentReceived("evt_" + Guid.NewGuid().ToString("N"), invoice.Id, "in_1", "cus_1", "pi_1", 10_000, "USD", DateTimeOffset.UtcNow, null), Ct);
        var (pending, etag) = (await burns.GetAsync(BurnIntent.IdFor(id), Ct))!.Value;
        // 100.00 USD at 2.50 a token: 40 tokens of 6 decimals, with the price the executor books beside them.
        var finalized = pending with
        {
            Status = BurnStatus.Finalized, TokenAmount = 40_000_000, Decimals = 6, Mint = "mint", Signature = "sig", Slot = 1,
            Price = new PriceQuote(250, -2, 0, DateTimeOffset.UtcNow, "fixed"),
        };
        await recorder.TokensBurnedAsync(finalized, Ct); // as the executor books a landed burn, then marks it finalized
        await burns.TryReplaceAsync(finalized, etag, Ct);
        return new Setup(tables, payments, burns, audit, processor, id, pending);
    }

    [Fact]
    public async Task SettlePendingAsync_BurnRowDeletedWhileItsEntryIsBooked_CreatesNoBurnAgainAndReconcileReportsIt()
    {
        var s = await BurnedAsync();
        await s.Tables.Burns.DeleteEntityAsync("burn", s.Burn.Id, cancellationToken: Ct);
        await s.Payments.MarkUnsettledAsync(s.InvoiceId, DateTimeOffset.UtcNow.AddMinutes(-5), Ct);

        await s.Processor.SettlePendingAsync(TimeSpan.Zero, Ct);

        Assert.Empty((await s.Burns.ListAsync(s.InvoiceId, Ct)).Items); // before: a new pending burn of the same 10 000 cents, signed again after a key change
        Assert.Empty(await s.Payments.ListUnsettledAsync(Ct));
        Assert.Contains((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => (m.Kind, m.Subject) == ("PaidWithoutBurn", s.InvoiceId));
    }

    [Fact]
    public async Task SettleInvoiceAsync_BurnFinalizedAndBooked_AnswersItsBurnAndReconcileIsClean()
    {
        var s = await BurnedAsync();

        var (_, burnId) = await s.Processor.SettleInvoiceAsync(s.InvoiceId, Ct);

        Assert.Equal(s.Burn.Id, burnId);
        Assert.Equal(BurnStatus.Finalized, Assert.Single((await s.Burns.ListAsync(s.InvoiceId, Ct)).Items).Status);
        Assert.DoesNotContain((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => m.Subject.Contains(s.InvoiceId, StringComparison.Ordinal) || m.Subject == s.Burn.Id);
    }

    [Fact]
    public async Task ReconcileAsync_BurnRowRecreatedPendingWhileItsEntryIsBooked_ReportsBurnAlreadyBooked()
    {
        var s = await BurnedAsync();
        await s.Tables.Burns.DeleteEntityAsync("burn", s.Burn.Id, cancellationToken: Ct);
        await s.Burns.CreateIfAbsentAsync(s.Burn, Ct);

        var result = await s.Audit.ReconcileAsync(Ct);

        Assert.Contains(result.Mismatches, m => (m.Kind, m.Subject) == ("BurnAlreadyBooked", s.Burn.Id));
    }
}
