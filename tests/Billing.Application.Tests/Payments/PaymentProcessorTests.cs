using Microsoft.Extensions.Logging;
using Billing.Tests.Shared;

namespace Billing.Application.Tests.Payments;

/// <summary>
/// Payments reconciled with their invoice against Azurite: each case of amount and currency, cumulative Stripe amounts,
/// replays, concurrency and a crash after every step. The burns themselves are the executor's tests.
/// </summary>
public class PaymentProcessorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private static readonly BillingPeriod October = new(2026, 10);

    private sealed record Setup(PaymentProcessor Processor, InvoiceStore Invoices, PaymentStore Payments, BurnStore Burns, LedgerStore Ledger, LedgerAudit Audit, LedgerRecorder Recorder, BillingTables Tables)
    {
        public PaymentProcessor NewProcessor(ILogger<PaymentProcessor>? logger = null) => NewProcessor(Tables, Payments, Invoices, Burns, new CreditNoteStore(Tables), Recorder, logger);

        /// <summary>A processor whose real stores and ledger recorder "die" at <paramref name="point"/> (see <see cref="CrashingDependencies"/>).</summary>
        public PaymentProcessor CrashingProcessor(string connectionString, string point)
        {
            var crashing = CrashingDependencies.Tables(connectionString, Tables, point);
            return NewProcessor(crashing, new PaymentStore(crashing), new InvoiceStore(crashing), new BurnStore(crashing), new CreditNoteStore(crashing), new CrashingLedgerRecorder(Recorder, point));
        }

        private static PaymentProcessor NewProcessor(BillingTables tables, PaymentStore payments, InvoiceStore invoices, BurnStore burns, CreditNoteStore credits, ILedgerRecorder recorder, ILogger<PaymentProcessor>? logger = null)
        {
            var (refunds, links) = (new RefundStore(tables), new InvoicePaymentLinkStore(tables));
            return new(payments, invoices, new PartnerStore(tables), burns, credits, recorder, new LedgerStore(tables, TestSeals.Keys),
                new BurnTrigger(new ServiceCollection().BuildServiceProvider(), new NoLifetime(), NullLogger<BurnTrigger>.Instance),
                new InvoicePaymentProcessor(links, refunds, new RefundPlacement(refunds, links, invoices, payments)), StripeConfirmations.Local(tables), TimeProvider.System, logger ?? NullLogger<PaymentProcessor>.Instance);
        }

        /// <summary>Sets <paramref name="property"/> of a payment row (<paramref name="rowKey"/>: an escaped event id, or <c>|state</c>) behind the platform's back.</summary>
        public Task PlantAsync(string invoiceId, string rowKey, string property, object value) =>
            Tables.Payments.UpsertEntityAsync(new TableEntity(TableKey.Escape(invoiceId), rowKey) { [property] = value }, TableUpdateMode.Merge);

        public async Task<Invoice> InvoiceAsync(string id) => (await Invoices.GetAsync(InvoiceId.Parse(id), Ct))!;

        public async Task<IReadOnlyList<BurnIntent>> BurnsAsync(string id) => (await Burns.ListAsync(id, Ct)).Items;

        public async Task<IReadOnlyList<LedgerEntry>> EntriesAsync() => await Ledger.ReadAllAsync(LedgerEntries.MainBook, Ct);

        public async Task<Int128> BalanceAsync(string account, string asset = "USD") =>
            (await Ledger.BalancesAsync(LedgerEntries.MainBook, Ct)).All.Where(b => b.Account == account && b.Asset == asset).Aggregate(Int128.Zero, (sum, b) => sum + b.Amount);
    }

    private async Task<Setup> NewAsync()
    {
        var (tables, ledger, audit) = await ReconcileOnlyLedger.NewAsync(azurite);
        var invoices = new InvoiceStore(tables);
        var payments = new PaymentStore(tables);
        var burns = new BurnStore(tables);
        var recorder = new LedgerRecorder(ledger, new PartnerStore(tables), TimeProvider.System);
        var setup = new Setup(null!, invoices, payments, burns, ledger, audit, recorder, tables);
        return setup with { Processor = setup.NewProcessor() };
    }

    /// <summary>A fresh setup with one finalized (and booked) invoice of <paramref name="cents"/> for a payer of its own.</summary>
    private async Task<(Setup S, string Payer, string InvoiceId)> NewWithInvoiceAsync(long cents = 10_000)
    {
        var s = await NewAsync();
        string payer = NewPayer();
        return (s, payer, await FinalizedInvoiceAsync(s, payer, cents));
    }

    private static async Task<string> FinalizedInvoiceAsync(Setup s, string payer, long cents, Currency? currency = null)
    {
        var c = currency ?? Currency.USD;
        var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(cents, c));
        var invoice = new Invoice(new InvoiceId(payer, October), "carrier-standard-v1", InvoiceStatus.Draft, c, [line]).Finalize();
        await s.Invoices.AddOrGetAsync(invoice, Ct);
        await s.Recorder.InvoiceFinalizedAsync(invoice, Ct);
        return invoice.Id.ToString();
    }

    private static WebhookOutcome.PaymentReceived Paid(string invoiceId, long amount, string currency = "USD", string? evt = null, string stripeInvoice = "in_1", string? malformed = null) =>
        new(evt ?? "evt_" + Guid.NewGuid().ToString("N"), InvoiceId.Parse(invoiceId), stripeInvoice, "cus_1", "pi_1", amount, currency, DateTimeOffset.UtcNow, malformed);

    private static string NewPayer() => "carrier-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task RecordAsync_ExactTotal_PaidWithOneBurnOfTheTotalAndReceivableCleared()
    {
        var (s, payer, id) = await NewWithInvoiceAsync();

        var outcome = await s.Processor.RecordAsync(Paid(id, 10_000), Ct);

        Assert.Equal((PaymentResolution.Applied, "paid"), (outcome.Resolution, outcome.InvoiceStatus));
        var burn = Assert.Single(await s.BurnsAsync(id));
        Assert.Equal((10_000L, BurnStatus.Pending), (burn.UsdMinor, burn.Status));
        Assert.Equal(InvoiceStatus.Paid, (await s.InvoiceAsync(id)).Status);
        Assert.Equal(0, await s.BalanceAsync(Accounts.Receivable(payer)));
        Assert.DoesNotContain((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => m.Subject.Contains(payer, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordAsync_OneCentOnThirtyDollars_PartiallyPaidNoBurnAndReconcileShowsTheRemainder()
    {
        var (s, payer, id) = await NewWithInvoiceAsync(3_000);

        var outcome = await s.Processor.RecordAsync(Paid(id, 1), Ct);

        Assert.Equal("partially_paid", outcome.InvoiceStatus);
        var invoice = await s.InvoiceAsync(id);
        Assert.Equal((InvoiceStatus.PartiallyPaid, 2_999L), (invoice.Status, invoice.AmountRemaining.MinorUnits));
        Assert.Empty(await s.BurnsAsync(id));
        Assert.Equal(2_999, await s.BalanceAsync(Accounts.Receivable(payer)));
        var mismatch = Assert.Single((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => m.Subject == id);
        Assert.Equal("InvoicePartiallyPaid", mismatch.Kind);
        Assert.Contains("29.99 USD remaining", mismatch.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_CumulativePaymentsWithNewEventIdsAndReplays_PaidOnceWithOneBurnOfTheTotal()
    {
        var (s, payer, id) = await NewWithInvoiceAsync();
        var first = Paid(id, 4_000, evt: "evt_part");
        var second = Paid(id, 10_000, evt: "evt_full");

        var a = await s.Processor.RecordAsync(first, Ct);
        var b = await s.Processor.RecordAsync(second, Ct);
        var replay = await s.Processor.RecordAsync(first, Ct);
        var late = await s.Processor.RecordAsync(Paid(id, 10_000, evt: "evt_other_for_same_state"), Ct);

        Assert.Equal(("partially_paid", "paid"), (a.InvoiceStatus, b.InvoiceStatus));
        Assert.False(replay.NewPayment);
        Assert.Equal(PaymentResolution.Unchanged, late.Resolution);
        var burn = Assert.Single(await s.BurnsAsync(id));
        Assert.Equal((10_000L, "evt_full"), (burn.UsdMinor, burn.PaymentId));
        Assert.Equal(InvoiceStatus.Paid, (await s.InvoiceAsync(id)).Status);
        var payments = (await s.EntriesAsync()).Where(e => e.Kind == LedgerEntryKind.PaymentReceived && e.Metadata["invoiceId"] == id).ToList();
        Assert.Equal(2, payments.Count);
        Assert.Equal(10_000, await s.BalanceAsync(Accounts.CashStripe));
        Assert.Equal(0, await s.BalanceAsync(Accounts.Receivable(payer)));
        Assert.DoesNotContain((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => m.Subject.Contains(payer, StringComparison.Ordinal) || m.Subject.StartsWith("evt_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordAsync_HugeOverpayment_BurnsOnlyTheTotalAndBooksTheExcessAsCredit()
    {
        var (s, payer, id) = await NewWithInvoiceAsync();

        var outcome = await s.Processor.RecordAsync(Paid(id, 10_000_000_000), Ct);

        Assert.Equal("paid", outcome.InvoiceStatus);
        Assert.Equal(10_000, Assert.Single(await s.BurnsAsync(id)).UsdMinor);
        Assert.Equal(-9_999_990_000, await s.BalanceAsync(Accounts.CustomerCredit(payer)));
        Assert.Equal(0, await s.BalanceAsync(Accounts.Receivable(payer)));
        var mismatch = Assert.Single((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => m.Subject == id);
        Assert.Equal("CustomerCredit", mismatch.Kind);
        Assert.Contains("99999900.00 USD booked to credit:" + payer, mismatch.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_EuroOnUsdInvoice_UnappliedNoBurnInvoiceUnchangedAndReported()
    {
        var (s, payer, id) = await NewWithInvoiceAsync();
        var paid = Paid(id, 10_000, "EUR");

        var outcome = await s.Processor.RecordAsync(paid, Ct);

        Assert.Equal((PaymentResolution.Unapplied, UnappliedReason.CurrencyMismatch, "finalized"), (outcome.Resolution, outcome.Reason, outcome.InvoiceStatus));
        Assert.Empty(await s.BurnsAsync(id));
        Assert.Equal(InvoiceStatus.Finalized, (await s.InvoiceAsync(id)).Status);
        Assert.Equal(-10_000, await s.BalanceAsync(Accounts.Unapplied(payer), "EUR"));
        Assert.Equal(10_000, await s.BalanceAsync(Accounts.Receivable(payer)));
        Assert.Contains((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => m.Kind == "PaymentCurrencyMismatch" && m.Subject == paid.StripeEventId);
    }

    [Theory]
    [InlineData(-500L, "USD", null, "PaymentMalformedAmount", null)]
    [InlineData(0L, "USD", "amount_paid 1e30 is not an integer of minor units", "PaymentMalformedAmount", null)]
    [InlineData(500L, "XYZ", null, "PaymentUnknownCurrency", null)]
    [InlineData(10_000L, "USD", null, "PaymentLivemodeMismatch", "the event is a test-mode event (livemode false) and the Stripe API key a live-mode key")]
    public async Task RecordAsync_MalformedAmountUnknownCurrencyOrOtherMode_RecordedUnappliedNothingBookedNoThrow(long amount, string currency, string? malformed, string kind, string? otherMode)
    {
        var (s, _, id) = await NewWithInvoiceAsync();
        var paid = Paid(id, amount, currency, malformed: malformed) with { LivemodeMismatch = otherMode };

        var outcome = await s.Processor.RecordAsync(paid, Ct);
        var replay = await s.Processor.RecordAsync(paid, Ct);

        Assert.Equal(PaymentResolution.Unapplied, outcome.Resolution);
        Assert.False(replay.NewPayment);
        Assert.Equal(InvoiceStatus.Finalized, (await s.InvoiceAsync(id)).Status);
        Assert.Empty(await s.BurnsAsync(id));
        Assert.DoesNotContain(await s.EntriesAsync(), e => e.EntryId == LedgerEntries.PaymentId(paid.StripeEventId));
        var reconcile = await s.Audit.ReconcileAsync(Ct);
        Assert.Contains(reconcile.Mismatches, m => m.Kind == kind && m.Subject == paid.StripeEventId);
        Assert.DoesNotContain(reconcile.Mismatches, m => m.Kind == "PaymentNotBooked");
    }

    [Fact]
    public async Task RecordAsync_UnknownInvoice_HeldAsUnappliedAndReported()
    {
        var s = await NewAsync();
        string id = $"INV-{NewPayer()}-202610";
        var paid = Paid(id, 700);

        var outcome = await s.Processor.RecordAsync(paid, Ct);

        Assert.Equal((false, UnappliedReason.UnknownInvoice, (string?)null), (outcome.InvoiceKnown, outcome.Reason, outcome.BurnId));
        Assert.Empty(await s.BurnsAsync(id));
        Assert.Contains((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => m.Kind == "PaymentForUnknownInvoice" && m.Subject == paid.StripeEventId);
    }

    [Fact]
    public async Task RecordAsync_LedgerHeadHoldsAPlantedValue_RefusedAsInvalidDataNothingBurnedAndTheTimerSettlesOnceRepaired()
    {
        var (s, _, id) = await NewWithInvoiceAsync();
        string pk = LedgerStore.PartitionKey(LedgerEntries.MainBook);
        var head = (await s.Ledger.Table.GetEntityAsync<TableEntity>(pk, LedgerStore.HeadRowKey)).Value;
        object lastHash = head["LastHash"];
        head["LastHash"] = 7; // planted: a number where the platform writes text
        await s.Ledger.Table.UpdateEntityAsync(head, head.ETag, TableUpdateMode.Replace);
        var paid = Paid(id, 10_000);

        // Deterministic until someone repairs the head (the webhook answers 503 and Stripe retries; before: an InvalidOperationException).
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => s.Processor.RecordAsync(paid, Ct));
        int settledMeanwhile = await s.NewProcessor().SettlePendingAsync(TimeSpan.Zero, Ct);

        Assert.Contains("row 'head'), property 'LastHash': Edm.Int32 found, Edm.String expected", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, settledMeanwhile); // the timer goes on (no throw) and books nothing on an unreadable head
        Assert.Equal(InvoiceStatus.Finalized, (await s.InvoiceAsync(id)).Status);
        Assert.Empty(await s.BurnsAsync(id)); // nothing burned for money the books do not show
        Assert.Single(await s.EntriesAsync());

        head = (await s.Ledger.Table.GetEntityAsync<TableEntity>(pk, LedgerStore.HeadRowKey)).Value;
        head["LastHash"] = lastHash;
        await s.Ledger.Table.UpdateEntityAsync(head, head.ETag, TableUpdateMode.Replace);
        int settled = await s.NewProcessor().SettlePendingAsync(TimeSpan.Zero, Ct);

        Assert.True(settled >= 1);
        Assert.Equal(InvoiceStatus.Paid, (await s.InvoiceAsync(id)).Status);
        Assert.Single(await s.BurnsAsync(id));
        Assert.Single(await s.EntriesAsync(), e => e.EntryId == LedgerEntries.PaymentId(paid.StripeEventId));
    }

    [Fact]
    public async Task RecordAsync_ConcurrentPaymentsFromTwoStripeInvoices_AddUpToPaidWithOneBurn()
    {
        var (s, payer, id) = await NewWithInvoiceAsync();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            s.NewProcessor().RecordAsync(Paid(id, 2_500, stripeInvoice: $"in_{i}"), Ct)));

        Assert.All(outcomes, o => Assert.Equal(PaymentResolution.Applied, o.Resolution));
        Assert.Equal(InvoiceStatus.Paid, (await s.InvoiceAsync(id)).Status);
        Assert.Equal(10_000, Assert.Single(await s.BurnsAsync(id)).UsdMinor);
        Assert.Equal(0, await s.BalanceAsync(Accounts.Receivable(payer)));
        Assert.Equal(0, await s.BalanceAsync(Accounts.CustomerCredit(payer)));
    }

    public static TheoryData<string> CrashPoints() => ["marked", "recorded", "booked", "burn"];

    [Theory]
    [MemberData(nameof(CrashPoints))]
    public async Task RecordAsync_CrashAfterEachStep_NeverPaidEarlyAndReplayCompletesExactlyOnce(string point)
    {
        var (s, _, id) = await NewWithInvoiceAsync();
        var paid = Paid(id, 10_000);
        var crashing = s.CrashingProcessor(azurite.ConnectionString, point);

        await Assert.ThrowsAsync<OperationCanceledException>(() => crashing.RecordAsync(paid, Ct));

        Assert.Equal(InvoiceStatus.Finalized, (await s.InvoiceAsync(id)).Status); // never paid before everything else exists
        var replay = await s.NewProcessor().RecordAsync(paid, Ct);
        Assert.Equal("paid", replay.InvoiceStatus);
        Assert.Equal(10_000, Assert.Single(await s.BurnsAsync(id)).UsdMinor);
        Assert.Single(await s.EntriesAsync(), e => e.EntryId == LedgerEntries.PaymentId(paid.StripeEventId));
        Assert.Empty(await s.Payments.ListUnsettledAsync(Ct));
    }

    [Fact]
    public async Task SettlePendingAsync_CrashAndStripeNeverRetries_TimerCompletesThePayment()
    {
        var (s, payer, id) = await NewWithInvoiceAsync();
        var crashing = s.CrashingProcessor(azurite.ConnectionString, "recorded");
        await Assert.ThrowsAsync<OperationCanceledException>(() => crashing.RecordAsync(Paid(id, 10_000), Ct));
        Assert.Contains((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => m.Kind == "PaymentNotBooked");

        int settled = await s.NewProcessor().SettlePendingAsync(TimeSpan.Zero, Ct);

        Assert.True(settled >= 1);
        Assert.Equal(InvoiceStatus.Paid, (await s.InvoiceAsync(id)).Status);
        Assert.Single(await s.BurnsAsync(id));
        Assert.Empty(await s.Payments.ListUnsettledAsync(Ct));
        Assert.DoesNotContain((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => m.Subject.Contains(payer, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SettlePendingAsync_AnotherMarkerHoldsAPlantedTime_SettlesThePaymentAndDoesNotThrow()
    {
        var (s, _, id) = await NewWithInvoiceAsync();
        var crashing = s.CrashingProcessor(azurite.ConnectionString, "recorded");
        await Assert.ThrowsAsync<OperationCanceledException>(() => crashing.RecordAsync(Paid(id, 10_000), Ct));
        await s.Tables.Payments.UpsertEntityAsync(new Azure.Data.Tables.TableEntity("|unsettled", "INV-planted-202610") { ["Since"] = "yesterday" }, Azure.Data.Tables.TableUpdateMode.Replace);

        // Before: the list threw InvalidOperationException, so the BurnExecutor timer failed before settling or burning anything.
        int settled = await s.NewProcessor().SettlePendingAsync(TimeSpan.Zero, Ct);

        Assert.True(settled >= 1);
        Assert.Equal(InvoiceStatus.Paid, (await s.InvoiceAsync(id)).Status);
        Assert.Single(await s.BurnsAsync(id));
        Assert.DoesNotContain(await s.Payments.ListUnsettledAsync(Ct), u => u.InvoiceId == id);
    }

    /// <summary>Records a payment of the whole invoice and "crashes" right after: the event row and state are stored, nothing is booked or burned.</summary>
    private static async Task<string> RecordOnlyAsync(Setup s, string invoiceId, string connectionString)
    {
        var paid = Paid(invoiceId, 10_000);
        await Assert.ThrowsAsync<OperationCanceledException>(() => s.CrashingProcessor(connectionString, "recorded").RecordAsync(paid, Ct));
        return paid.StripeEventId;
    }

    private static async Task AssertNothingActedOnAsync(Setup s, string invoiceId, string eventId)
    {
        Assert.DoesNotContain(await s.EntriesAsync(), e => e.EntryId == LedgerEntries.PaymentId(eventId));
        Assert.Empty(await s.BurnsAsync(invoiceId));
        Assert.Equal(InvoiceStatus.Finalized, (await s.InvoiceAsync(invoiceId)).Status);
        Assert.Contains(await s.Payments.ListUnsettledAsync(Ct), u => u.InvoiceId == invoiceId); // still reported on every run
    }

    [Fact]
    public async Task SettlePendingAsync_AnotherInvoicesPaymentRowHoldsAPlantedValue_SettlesThisOneAndLogsThatOneNamingTheProperty()
    {
        var (s, _, id) = await NewWithInvoiceAsync();
        string other = await FinalizedInvoiceAsync(s, NewPayer(), 10_000);
        await RecordOnlyAsync(s, id, azurite.ConnectionString);
        string planted = await RecordOnlyAsync(s, other, azurite.ConnectionString);
        await s.PlantAsync(other, TableKey.Escape(planted), "AmountMinor", "10000");
        var log = new ListLogger<PaymentProcessor>();

        await s.NewProcessor(log).SettlePendingAsync(TimeSpan.Zero, Ct);

        Assert.Equal(InvoiceStatus.Paid, (await s.InvoiceAsync(id)).Status);
        Assert.Single(await s.BurnsAsync(id));
        await AssertNothingActedOnAsync(s, other, planted);
        var error = Assert.Single(log.Entries, e => e.Level == LogLevel.Error);
        Assert.Contains(other, error.Message, StringComparison.Ordinal);
        Assert.Contains("property 'AmountMinor': Edm.String found, Edm.Int64 expected", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettlePendingAsync_StateRowHoldsAPlantedValue_BooksAndBurnsNothingForTheInvoice()
    {
        var (s, _, id) = await NewWithInvoiceAsync();
        string eventId = await RecordOnlyAsync(s, id, azurite.ConnectionString);
        await s.PlantAsync(id, "|state", "CompletedBy", 5L);
        var log = new ListLogger<PaymentProcessor>();

        // Before: the payment was booked first, and the state row was read only afterwards (and threw InvalidOperationException).
        await s.NewProcessor(log).SettlePendingAsync(TimeSpan.Zero, Ct);

        await AssertNothingActedOnAsync(s, id, eventId);
        Assert.Contains(log.Entries, e => e.Level == LogLevel.Error && e.Message.Contains("property 'CompletedBy'", StringComparison.Ordinal));
        Assert.Contains((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => m.Kind == "PaymentStateUnreadable" && m.Subject == id);
    }

    [Fact]
    public async Task SettlePendingAsync_PaymentRowResolutionPlantedAsAnUnknownName_IsNotBookedAsAPaymentWithoutDecision()
    {
        var (s, _, id) = await NewWithInvoiceAsync();
        string eventId = await RecordOnlyAsync(s, id, azurite.ConnectionString);
        await s.PlantAsync(id, TableKey.Escape(eventId), "Resolution", "Settled");

        // Before: an unknown name read as "no decision", which books the whole amount, and the state still led to a burn.
        await s.NewProcessor().SettlePendingAsync(TimeSpan.Zero, Ct);

        await AssertNothingActedOnAsync(s, id, eventId);
        var finding = Assert.Single((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => m.Kind == "PaymentUnreadable");
        Assert.Equal(eventId, finding.Subject);
        Assert.Contains("'Settled' is no PaymentResolution", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_InvoicesStateRowHoldsAPlantedValue_ThrowsInvalidDataExceptionAndDecidesNothing()
    {
        var (s, _, id) = await NewWithInvoiceAsync();
        await s.PlantAsync(id, "|state", "CompletedBy", 5L);
        var paid = Paid(id, 10_000);

        // Before: InvalidOperationException, which the webhook answered with an empty 500; now its 503 (Stripe retries).
        var ex = await Assert.ThrowsAsync<InvalidDataException>(() => s.Processor.RecordAsync(paid, Ct));

        Assert.Contains("property 'CompletedBy': Edm.Int64 found, Edm.String expected", ex.Message, StringComparison.Ordinal);
        Assert.Null(await s.Payments.GetAsync(id, paid.StripeEventId, Ct));
        await AssertNothingActedOnAsync(s, id, paid.StripeEventId);
    }
}
