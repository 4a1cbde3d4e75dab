using Billing.Application.Tests.Payments;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// Reconcile while Stripe's webhooks are being processed: each scan reads its kind of row at its own moment, so a payment,
/// credit note or refund recorded between two scans must not be reported as a mismatch. The writers are the real processors,
/// run at an exact point of the reconcile (<see cref="InterleavingTables"/>); what is really wrong is still reported.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class LedgerAuditInFlightTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private Task<ReconciliationResult> ReconcileWithAsync(CreditNoteSetup s, string table, Func<Task> meanwhile, string? marker = null) =>
        InFlightReconcile.WithAsync(azurite, s, table, meanwhile, marker);

    private static string Findings(ReconciliationResult result) => InFlightReconcile.Findings(result);

    [Fact]
    public async Task ReconcileAsync_PaymentSettledRightAfterTheInvoicesScan_NoStatusMismatch()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync(paidMinor: 0);

        var result = await ReconcileWithAsync(s, "invoices", () => s.Payments.RecordAsync(CreditNoteSetup.Paid(invoiceId, stripeInvoice, 10_000), Ct));

        Assert.True(result.Ok, Findings(result));
        Assert.Equal(InvoiceStatus.Paid, (await s.InvoiceAsync(invoiceId)).Status);
    }

    [Fact]
    public async Task ReconcileAsync_PaymentSettledBetweenTheStatesAndTheBurnsScans_NoBurnBeforePaid()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync(paidMinor: 0);

        // The unsettled markers are listed after the payment states and before the burns.
        var result = await ReconcileWithAsync(s, "payments", () => s.Payments.RecordAsync(CreditNoteSetup.Paid(invoiceId, stripeInvoice, 10_000), Ct),
            marker: "PartitionKey eq '|unsettled'");

        Assert.True(result.Ok, Findings(result));
        Assert.Single((await s.Burns.ListAsync(invoiceId, Ct)).Items);
    }

    [Fact]
    public async Task ReconcileAsync_CreditNoteAndItsRefundRightAfterTheCreditNotesScan_NoRefundWithoutCreditNote()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        var refunds = new RefundStore(s.Tables);
        var refundProcessor = s.RefundProcessor();

        var result = await ReconcileWithAsync(s, "credits", async () =>
        {
            await s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 3_000), Ct);
            await refundProcessor.RecordAsync(new IncomingRefund("evt_" + Guid.NewGuid().ToString("N"), "ch_1", "pi_1", stripeInvoice, "cus_1", 3_000, "USD", DateTimeOffset.UtcNow), Ct);
        });

        // The note stands against the unsigned burn (BurnHeldForCredit, seen once the reconcile reads it); nothing else is wrong.
        var quiet = await s.ReconcileAsync();
        Assert.DoesNotContain(result.Mismatches, m => m.Kind == "RefundWithoutCreditNote");
        Assert.All(result.Mismatches, m => Assert.Contains(m, quiet));
        Assert.Equal(invoiceId, (await refunds.GetAsync("ch_1", Ct))!.Value.Record.InvoiceId);
    }

    [Fact]
    public async Task ReconcileAsync_CreditNoteRecordedAndBookedRightAfterTheBookScan_NoCreditNoteNotBooked()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (_, _, stripeInvoice) = await s.PaidInvoiceAsync();

        // The book is scanned before the credit notes: the note and its entry land after the one and before the other.
        var result = await ReconcileWithAsync(s, "ledger", () => s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 3_000), Ct));

        var quiet = await s.ReconcileAsync();
        Assert.DoesNotContain(result.Mismatches, m => m.Kind == "CreditNoteNotBooked");
        Assert.All(result.Mismatches, m => Assert.Contains(m, quiet));
    }

    [Fact]
    public async Task ReconcileAsync_InvoiceMarkedPaidInStorageWithoutAPayment_StillReported()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (invoiceId, _, _) = await s.PaidInvoiceAsync(paidMinor: 0);
        var (invoice, etag) = (await s.Invoices.GetWithETagAsync(InvoiceId.Parse(invoiceId), Ct))!.Value;
        Assert.True(await s.Invoices.TryReplaceAsync(invoice.MarkPaid(), etag, Ct)); // behind the platform's back: no payment

        var result = await ReconcileWithAsync(s, "invoices", () => Task.CompletedTask);

        var finding = Assert.Single(result.Mismatches);
        Assert.Equal(("PaidWithoutPayment", invoiceId, "invoice is paid but no Stripe payment is recorded"), (finding.Kind, finding.Subject, finding.Detail));
    }

    [Fact]
    public async Task ReconcileAsync_BurnHeldWhileANoteStands_StillBurnHeldForCredit()
    {
        var (s, burnId, invoiceId) = await HeldForNoteAsync();
        var note = Assert.Single((await new CreditNoteStore(s.Tables).GetStateAsync(invoiceId, Ct)).State.Notes.Values);

        var result = await ReconcileWithAsync(s, "burns", () => Task.CompletedTask);

        var finding = Assert.Single(result.Mismatches);
        Assert.Equal(("BurnHeldForCredit", burnId, $"{invoiceId}: credit notes {note.CreditNoteId} 30.00 USD (refunded 30.00 USD) stand against the invoice; the burn of 10000 minor units is not signed until they are voided"),
            (finding.Kind, finding.Subject, finding.Detail));
    }

    /// <summary>An invoice of 100.00 USD paid in full, a note of 30.00 refunded on it, and its burn held for the note as the executor leaves it.</summary>
    private async Task<(CreditNoteSetup Setup, string BurnId, string InvoiceId)> HeldForNoteAsync()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 3_000), Ct);
        var (intent, etag) = (await s.Burns.GetAsync(BurnIntent.IdFor(invoiceId), Ct))!.Value;
        Assert.NotNull(await s.Burns.TryReplaceAsync(intent with { Status = BurnStatus.Held, Reason = "held: a credit note stands", UpdatedAt = DateTimeOffset.UtcNow }, etag, Ct));
        return (s, intent.Id, invoiceId);
    }
}
