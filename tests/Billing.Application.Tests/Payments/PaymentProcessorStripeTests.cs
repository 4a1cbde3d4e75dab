namespace Billing.Application.Tests.Payments;

/// <summary>
/// Settling asks Stripe before it books, against Azurite and a loopback Stripe double with a test-mode key: payment rows
/// planted in storage (a payment state, an applied event, the unsettled marker; no Stripe key, no treasury key needed) are
/// booked and burned on only when Stripe says the invoice was paid.
/// </summary>
public sealed class PaymentProcessorStripeTests(AzuriteFixture azurite) : StripeDoubleTests, IClassFixture<AzuriteFixture>
{
    private const long Total = 10_000;
    private static readonly CancellationToken Ct = CancellationToken.None;

    private sealed record Setup(BillingTables Tables, PaymentStore Payments, InvoiceStore Invoices, BurnStore Burns, LedgerRecorder Recorder, LedgerAudit Audit, PaymentProcessor Processor, string InvoiceId)
    {
        public async Task<InvoiceStatus> StatusAsync() => (await Invoices.GetAsync(Billing.Domain.Invoicing.InvoiceId.Parse(InvoiceId), Ct))!.Status;

        public async Task<bool> BookedAsync(string eventId) => await Recorder.IsBookedAsync(LedgerEntries.PaymentId(eventId), Ct);

        public async Task<IReadOnlyList<BurnIntent>> BurnsAsync() => (await Burns.ListAsync(InvoiceId, Ct)).Items;
    }

    private async Task<Setup> NewAsync()
    {
        var (tables, ledger, audit) = await ReconcileOnlyLedger.NewAsync(azurite);
        var (invoices, payments, burns, refunds, links) = (new InvoiceStore(tables), new PaymentStore(tables), new BurnStore(tables), new RefundStore(tables), new InvoicePaymentLinkStore(tables));
        var recorder = new LedgerRecorder(ledger, new PartnerStore(tables), TimeProvider.System);
        var processor = new PaymentProcessor(payments, invoices, new PartnerStore(tables), burns, new CreditNoteStore(tables), recorder, ledger, CreditNoteSetup.Trigger(),
            new InvoicePaymentProcessor(links, refunds, new RefundPlacement(refunds, links, invoices, payments)), StripeConfirmations.Asking(tables, StripeDouble), TimeProvider.System, NullLogger<PaymentProcessor>.Instance);
        string payer = "carrier-" + Guid.NewGuid().ToString("N")[..8];
        var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(Total, Currency.USD));
        var invoice = new Invoice(new InvoiceId(payer, new BillingPeriod(2026, 10)), "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [line]).Finalize();
        await invoices.AddOrGetAsync(invoice, Ct);
        await recorder.InvoiceFinalizedAsync(invoice, Ct);
        return new Setup(tables, payments, invoices, burns, recorder, audit, processor, invoice.Id.ToString());
    }

    /// <summary>What someone with write access to storage plants: an applied payment in full, its state, and an old unsettled marker.</summary>
    private static async Task<string> PlantPaidAsync(Setup s, string stripeInvoiceId)
    {
        string eventId = "evt_" + Guid.NewGuid().ToString("N");
        var state = new InvoicePayments(new Dictionary<string, PaymentSource>(StringComparer.Ordinal) { [stripeInvoiceId] = new("USD", Total, Applied: true) }, eventId);
        var payment = new PaymentRecord(eventId, s.InvoiceId, InvoiceId.Parse(s.InvoiceId).Payer, Total, "USD", stripeInvoiceId, "cus_planted", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)
        {
            Resolution = PaymentResolution.Applied, DeltaMinor = Total, ToReceivableMinor = Total,
        };
        Assert.Equal(PaymentWrite.Recorded, await s.Payments.TryRecordAsync(payment, state, null, Ct));
        await s.Payments.MarkUnsettledAsync(s.InvoiceId, DateTimeOffset.UtcNow.AddMinutes(-5), Ct);
        return eventId;
    }

    [Theory]
    [InlineData("open", "NotPaid", false)]
    [InlineData(null, "NoSuchInvoice", true)] // may be our key, account or ApiBase: asked again on the next run
    public async Task SettlePendingAsync_PlantedPaymentStripeDoesNotConfirm_BooksNothingBurnsNothingAndReconcileReportsIt(string? stripeStatus, string reason, bool askedAgain)
    {
        var s = await NewAsync();
        if (stripeStatus is not null)
        {
            StripeDouble.MarkPaid("in_planted", 0, "usd", s.InvoiceId, status: stripeStatus);
        }

        string eventId = await PlantPaidAsync(s, "in_planted");

        await s.Processor.SettlePendingAsync(TimeSpan.Zero, Ct);

        Assert.False(await s.BookedAsync(eventId)); // before: PaymentReceived cash booked
        Assert.Empty(await s.BurnsAsync()); // before: a burn intent the executor signs
        Assert.Equal(InvoiceStatus.Finalized, await s.StatusAsync()); // before: paid
        Assert.Equal(askedAgain, (await s.Payments.ListUnsettledAsync(Ct)).Count == 1);
        var mismatches = (await s.Audit.ReconcileAsync(Ct)).Mismatches;
        var finding = Assert.Single(mismatches, m => m.Kind == "PaymentUnconfirmed");
        Assert.Equal(eventId, finding.Subject);
        // Not also PaymentNotBooked, nor a status mismatch, nor PaymentNotSettled for the marker kept to ask again: one finding for one problem.
        Assert.DoesNotContain(mismatches, m => m != finding && (m.Subject == eventId || m.Subject.Contains(s.InvoiceId, StringComparison.Ordinal)));
        Assert.Contains("in_planted", finding.Detail, StringComparison.Ordinal);
        Assert.Contains(reason, finding.Detail, StringComparison.Ordinal);
        Assert.Contains("not booked", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("Billing:Stripe", finding.Detail, StringComparison.Ordinal); // names our own configuration as a possible cause, not only planted rows
    }

    // Before: any row of the invoice refuted NoSuchInvoice/ModeDiffers hid its stuck marker, planted ones included.
    [Theory]
    [InlineData("NoSuchInvoice")]
    [InlineData("ModeDiffers")]
    public async Task ReconcileAsync_RefutationOnARowSettlingNeverAsks_StillReportsTheStuckMarker(string reason)
    {
        var s = await NewAsync();
        string eventId = "evt_" + Guid.NewGuid().ToString("N");
        var state = new InvoicePayments(new Dictionary<string, PaymentSource>(StringComparer.Ordinal) { ["in_other"] = new("USD", Total, Applied: false) }, null);
        var unapplied = new PaymentRecord(eventId, s.InvoiceId, InvoiceId.Parse(s.InvoiceId).Payer, Total, "USD", "in_other", "cus_planted", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow);
        Assert.Equal(PaymentWrite.Recorded, await s.Payments.TryRecordAsync(unapplied, state, null, Ct));
        await s.Payments.SetStripeRefutationAsync(s.InvoiceId, eventId, $"{reason}: planted", Ct); // no settling asks about a payment not applied
        await s.Payments.MarkUnsettledAsync(s.InvoiceId, DateTimeOffset.UtcNow.AddMinutes(-5), Ct);

        var findings = (await s.Audit.ReconcileAsync(Ct)).Mismatches;

        Assert.Contains(findings, m => (m.Kind, m.Subject) == ("PaymentNotSettled", s.InvoiceId));
    }

    [Theory]
    [InlineData(false)] // Stripe has no such invoice: a key of another account, a test key receiving live payments, a wrong ApiBase
    [InlineData(true)] // a live-mode invoice asked with a test key
    public async Task SettlePendingAsync_RefutedAsPerhapsOurMisconfigurationThenFixed_KeepsTheMarkerAndBooksOnceStripeConfirms(bool modeDiffers)
    {
        var s = await NewAsync();
        if (modeDiffers)
        {
            StripeDouble.MarkPaid("in_misconfigured", Total, "usd", s.InvoiceId, livemode: true);
        }

        string eventId = await PlantPaidAsync(s, "in_misconfigured");

        await s.Processor.SettlePendingAsync(TimeSpan.Zero, Ct);

        Assert.False(await s.BookedAsync(eventId));
        Assert.Empty(await s.BurnsAsync());
        Assert.Equal(s.InvoiceId, Assert.Single(await s.Payments.ListUnsettledAsync(Ct)).InvoiceId); // before: cleared, never asked again
        var findings = (await s.Audit.ReconcileAsync(Ct)).Mismatches;
        Assert.Contains(findings, m => (m.Kind, m.Subject) == ("PaymentUnconfirmed", eventId));
        Assert.DoesNotContain(findings, m => (m.Kind, m.Subject) == ("PaymentNotSettled", s.InvoiceId)); // before: both, for one problem

        StripeDouble.MarkPaid("in_misconfigured", Total, "usd", s.InvoiceId); // the key is fixed
        await s.Processor.SettlePendingAsync(TimeSpan.Zero, Ct);

        Assert.True(await s.BookedAsync(eventId));
        Assert.Single(await s.BurnsAsync());
        Assert.Equal(InvoiceStatus.Paid, await s.StatusAsync());
        Assert.Empty(await s.Payments.ListUnsettledAsync(Ct));
        Assert.DoesNotContain((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => m.Kind == "PaymentUnconfirmed");
    }

    [Fact]
    public async Task ReconcileAsync_PaymentBookedThenRefuted_ReportsItBookedNotNotBooked()
    {
        var s = await NewAsync();
        StripeDouble.MarkPaid("in_later_open", Total, "usd", s.InvoiceId);
        string eventId = "evt_" + Guid.NewGuid().ToString("N");
        await s.Processor.RecordAsync(new WebhookOutcome.PaymentReceived(eventId, InvoiceId.Parse(s.InvoiceId), "in_later_open", "cus_1", "pi_1", Total, "USD", DateTimeOffset.UtcNow, null), Ct);
        Assert.True(await s.BookedAsync(eventId));

        StripeDouble.MarkPaid("in_later_open", 0, "usd", s.InvoiceId, status: "open");
        await s.Processor.SettleInvoiceAsync(s.InvoiceId, Ct);

        var finding = Assert.Single((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => (m.Kind, m.Subject) == ("PaymentUnconfirmed", eventId));
        Assert.DoesNotContain("not booked", finding.Detail, StringComparison.Ordinal);
        Assert.Contains("booked before", finding.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RecordAsync_StripeConfirmsThePayment_BooksMarksPaidAndCreatesTheBurn()
    {
        var s = await NewAsync();
        StripeDouble.MarkPaid("in_real", Total, "usd", s.InvoiceId);
        string eventId = "evt_" + Guid.NewGuid().ToString("N");

        var outcome = await s.Processor.RecordAsync(new WebhookOutcome.PaymentReceived(eventId, InvoiceId.Parse(s.InvoiceId), "in_real", "cus_1", "pi_1", Total, "USD", DateTimeOffset.UtcNow, null), Ct);

        Assert.NotNull(outcome.BurnId);
        Assert.True(await s.BookedAsync(eventId));
        Assert.Equal(InvoiceStatus.Paid, await s.StatusAsync());
        Assert.Equal(Total, Assert.Single(await s.BurnsAsync()).UsdMinor);
        Assert.Contains(StripeDouble.Requests, r => r.ToString() == "GET /v1/invoices/in_real");
        Assert.DoesNotContain((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => m.Kind == "PaymentUnconfirmed");
    }

    [Fact]
    public async Task SettlePendingAsync_StripeAnswers500_BooksNothingKeepsTheMarkerAndBooksOnceStripeAnswers()
    {
        var s = await NewAsync();
        StripeDouble.MarkPaid("in_later", Total, "usd", s.InvoiceId);
        StripeDouble.FailStatus["/v1/invoices/in_later"] = 500;
        string eventId = await PlantPaidAsync(s, "in_later");

        await s.Processor.SettlePendingAsync(TimeSpan.Zero, Ct);

        Assert.False(await s.BookedAsync(eventId));
        Assert.Empty(await s.BurnsAsync());
        Assert.Equal(InvoiceStatus.Finalized, await s.StatusAsync());
        Assert.Equal(s.InvoiceId, Assert.Single(await s.Payments.ListUnsettledAsync(Ct)).InvoiceId);

        StripeDouble.FailStatus.Clear();
        await s.Processor.SettlePendingAsync(TimeSpan.Zero, Ct);

        Assert.True(await s.BookedAsync(eventId));
        Assert.Single(await s.BurnsAsync());
        Assert.Equal(InvoiceStatus.Paid, await s.StatusAsync());
        Assert.Empty(await s.Payments.ListUnsettledAsync(Ct));
    }

    [Fact]
    public async Task SettlePendingAsync_StripePaidLessThanTheRowsSay_IsNotBookedAndReportedAmountShort()
    {
        var s = await NewAsync();
        StripeDouble.MarkPaid("in_short", Total - 1, "usd", s.InvoiceId);
        string eventId = await PlantPaidAsync(s, "in_short");

        await s.Processor.SettlePendingAsync(TimeSpan.Zero, Ct);

        Assert.False(await s.BookedAsync(eventId));
        Assert.Empty(await s.BurnsAsync());
        Assert.Contains((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => (m.Kind, m.Subject) == ("PaymentUnconfirmed", eventId) && m.Detail.Contains("AmountShort", StringComparison.Ordinal));
    }

    /// <summary>An <c>invoice.paid</c> of <paramref name="stripeInvoiceId"/> in EUR for the USD invoice: recorded unapplied (<c>CurrencyMismatch</c>), its money unapplied cash.</summary>
    private static async Task<string> RecordUnappliedAsync(Setup s, string stripeInvoiceId)
    {
        string eventId = "evt_" + Guid.NewGuid().ToString("N");
        var outcome = await s.Processor.RecordAsync(new WebhookOutcome.PaymentReceived(eventId, InvoiceId.Parse(s.InvoiceId), stripeInvoiceId, "cus_1", "pi_1", Total, "EUR", DateTimeOffset.UtcNow, null), Ct);
        Assert.Equal(PaymentResolution.Unapplied, outcome.Resolution);
        return eventId;
    }

    // Before: unapplied cash was booked to cash:stripe without asking Stripe whether the money exists.
    [Fact]
    public async Task RecordAsync_UnappliedPaymentStripeDoesNotConfirm_NotBookedAsCashAndReportedUnconfirmed()
    {
        var s = await NewAsync();
        StripeDouble.MarkPaid("in_eur_open", 0, "eur", s.InvoiceId, status: "open");

        string eventId = await RecordUnappliedAsync(s, "in_eur_open");

        Assert.False(await s.BookedAsync(eventId));
        Assert.Contains((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => (m.Kind, m.Subject) == ("PaymentUnconfirmed", eventId) && m.Detail.Contains("NotPaid", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RecordAsync_UnappliedPaymentStripeConfirmsAsCash_BookedUnappliedWhateverItsMetadataSays()
    {
        var s = await NewAsync();
        StripeDouble.MarkPaid("in_eur_paid", Total, "eur", "INV-someone-else-202610"); // the cash check judges the money, not whose invoice it paid

        string eventId = await RecordUnappliedAsync(s, "in_eur_paid");

        Assert.True(await s.BookedAsync(eventId));
        Assert.Contains(StripeDouble.Requests, r => r.ToString() == "GET /v1/invoices/in_eur_paid");
        Assert.Contains((await s.Audit.ReconcileAsync(Ct)).Mismatches, m => (m.Kind, m.Subject) == ("PaymentCurrencyMismatch", eventId));
    }

    [Fact]
    public async Task SettlePendingAsync_UnappliedPaymentStripeUnreachable_NotBookedUntilStripeAnswers()
    {
        var s = await NewAsync();
        StripeDouble.MarkPaid("in_eur_later", Total, "eur", s.InvoiceId);
        StripeDouble.FailStatus["/v1/invoices/in_eur_later"] = 500;

        string eventId = await RecordUnappliedAsync(s, "in_eur_later");

        Assert.False(await s.BookedAsync(eventId));
        Assert.Single(await s.Payments.ListUnsettledAsync(Ct));

        StripeDouble.FailStatus.Clear();
        await s.Processor.SettlePendingAsync(TimeSpan.Zero, Ct);

        Assert.True(await s.BookedAsync(eventId));
        Assert.Empty(await s.Payments.ListUnsettledAsync(Ct));
    }
}
