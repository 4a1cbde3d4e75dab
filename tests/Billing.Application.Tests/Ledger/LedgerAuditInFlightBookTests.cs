using Billing.Application.Tests.Payments;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// Reconcile while a payment is settled or an invoice is closed and paid: the book is scanned at one moment and the payments,
/// burns and invoices at others, so an entry or an invoice written between two scans must not be reported missing. The writers
/// are the real processors, run at an exact point of the reconcile; what is really missing is still reported.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class LedgerAuditInFlightBookTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task ReconcileAsync_PaymentBookedBetweenThePaymentsAndTheBookScans_NoPaymentNotBooked()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync(paidMinor: 0);

        // The payment is recorded before the reconcile starts, and booked only once the reconcile has scanned the book.
        var recorded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var book = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (tables, _) = InterleavingTables.CreateBefore(s.Tables, $"{s.Tables.Options.TablePrefix}ledger", async () =>
        {
            recorded.SetResult();
            await book.Task;
        });
        var settling = CreditNoteSetup.PaymentsOver(tables).RecordAsync(CreditNoteSetup.Paid(invoiceId, stripeInvoice, 10_000), Ct);
        await Task.WhenAny(recorded.Task, settling);
        Assert.True(recorded.Task.IsCompleted);

        var result = await InFlightReconcile.WithAsync(azurite, s, "ledger", async () =>
        {
            book.SetResult();
            await settling;
        });

        Assert.True(result.Ok, InFlightReconcile.Findings(result));
        Assert.Equal(InvoiceStatus.Paid, (await s.InvoiceAsync(invoiceId)).Status);
    }

    [Fact]
    public async Task ReconcileAsync_PaymentRecordedWithoutItsEntry_StillPaymentNotBooked()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (invoiceId, payer, stripeInvoice) = await s.PaidInvoiceAsync(paidMinor: 0);
        var paid = new InvoicePayments(new Dictionary<string, PaymentSource>(StringComparer.Ordinal) { [stripeInvoice] = new("USD", 10_000, Applied: true) }, "evt_planted");
        var payment = new PaymentRecord("evt_planted", invoiceId, payer, 10_000, "USD", stripeInvoice, "cus_1", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)
        {
            Resolution = PaymentResolution.Applied, DeltaMinor = 10_000, ToReceivableMinor = 10_000,
        };
        Assert.Equal(PaymentWrite.Recorded, await new PaymentStore(s.Tables).TryRecordAsync(payment, paid, null, Ct)); // behind the platform's back: never booked

        var result = await InFlightReconcile.WithAsync(azurite, s, "ledger", () => Task.CompletedTask);

        Assert.Contains(new AuditProblem("PaymentNotBooked", "evt_planted", "no ledger entry payment:evt_planted"), result.Mismatches);
    }

    [Fact]
    public async Task ReconcileAsync_InvoiceClosedAndPaidRightAfterTheInvoicesScan_NoForUnknownInvoice()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        string invoiceId = "";

        // A period close finishing (the invoice finalized and booked) and its payment settled (the burn created) meanwhile.
        var result = await InFlightReconcile.WithAsync(azurite, s, "invoices", async () => (invoiceId, _, _) = await s.PaidInvoiceAsync());

        Assert.True(result.Ok, InFlightReconcile.Findings(result));
        Assert.Single((await s.Burns.ListAsync(invoiceId, Ct)).Items);
    }

    [Fact]
    public async Task ReconcileAsync_PaymentAndBurnOfAnInvoiceThatDoesNotExist_StillForUnknownInvoice()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        string ghost = $"INV-carrier-{Guid.NewGuid().ToString("N")[..8]}-202610";
        var paid = new InvoicePayments(new Dictionary<string, PaymentSource>(StringComparer.Ordinal) { ["in_ghost"] = new("USD", 10_000, Applied: true) }, "evt_ghost");
        var payment = new PaymentRecord("evt_ghost", ghost, "carrier-x", 10_000, "USD", "in_ghost", "cus_1", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)
        {
            Resolution = PaymentResolution.Applied, DeltaMinor = 10_000, ToReceivableMinor = 10_000,
        };
        Assert.Equal(PaymentWrite.Recorded, await new PaymentStore(s.Tables).TryRecordAsync(payment, paid, null, Ct));
        await s.Burns.CreateIfAbsentAsync(SampleBurns.Pending(BurnIntent.IdFor(ghost), ghost, 10_000, DateTimeOffset.UtcNow), Ct);

        var result = await InFlightReconcile.WithAsync(azurite, s, "invoices", () => Task.CompletedTask);

        Assert.Contains(new AuditProblem("PaymentForUnknownInvoice", "evt_ghost", $"payment of 10000 USD for {ghost}, which does not exist"), result.Mismatches);
        Assert.Contains(new AuditProblem("BurnForUnknownInvoice", BurnIntent.IdFor(ghost), $"burn of 10000 minor units for {ghost}, which does not exist"), result.Mismatches);
    }
}
