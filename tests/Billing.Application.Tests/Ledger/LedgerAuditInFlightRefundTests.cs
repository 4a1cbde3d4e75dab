using Billing.Application.Tests.Payments;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// Reconcile while a customer's payment or credit note lands: a refund no invoice is found for yet is compared with its customer's
/// invoices, which the payments scan found, and with their notes, which the credit notes scan found, each at its own moment. The
/// writers are the real processors, run at an exact point of the reconcile; a refund really unexplained is still reported.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class LedgerAuditInFlightRefundTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task ReconcileAsync_CustomersPaymentAndNoteBetweenThePaymentsAndTheRefundsScans_NoRefundUnmatched()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (invoiceId, _, stripeInvoice) = await s.PaidInvoiceAsync(paidMinor: 0);
        await RefundAsync(s, "cus_1", 3_000); // naming neither invoice nor payment intent: compared by customer

        // Listed after the payment states, before the burns, the credit notes and the refunds.
        var result = await InFlightReconcile.WithAsync(azurite, s, "payments", async () =>
        {
            await s.Payments.RecordAsync(CreditNoteSetup.Paid(invoiceId, stripeInvoice, 10_000), Ct);
            await s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 3_000), Ct);
        }, marker: "PartitionKey eq '|unsettled'");

        await InFlightReconcile.AssertOnlyWhatStaysAsync(s, result, "RefundUnmatched");
    }

    [Fact]
    public async Task ReconcileAsync_NoteRightAfterTheCreditNotesScan_NoRefundWithoutCreditNoteOfTheCustomer()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (_, _, stripeInvoice) = await s.PaidInvoiceAsync();
        await RefundAsync(s, "cus_1", 3_000);

        // The notes are scanned before the refunds: the note that explains the refund lands in between.
        var result = await InFlightReconcile.WithAsync(azurite, s, "credits", () => s.Credits.RecordAsync(CreditNoteSetup.Note(stripeInvoice, 3_000), Ct));

        await InFlightReconcile.AssertOnlyWhatStaysAsync(s, result, "RefundWithoutCreditNote");
    }

    [Fact]
    public async Task ReconcileAsync_RefundOfACustomerWhoPaidNothingAndOneBeyondTheNotes_StillReported()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (invoiceId, _, _) = await s.PaidInvoiceAsync();
        await RefundAsync(s, "cus_1", 3_000, "ch_paid");
        await RefundAsync(s, "cus_stranger", 2_000, "ch_stranger");

        var result = await InFlightReconcile.WithAsync(azurite, s, "refunds", () => Task.CompletedTask);

        Assert.Contains(new AuditProblem("RefundUnmatched", "ch_stranger",
            "20.00 USD refunded on a charge no invoice of this platform was found for (Stripe invoice not named, payment intent not named, customer cus_stranger)"), result.Mismatches);
        Assert.Contains(new AuditProblem("RefundWithoutCreditNote", $"cus_1 ({invoiceId})",
            "Stripe refunded 30.00 USD on ch_paid, credit notes refunded 0.00 USD of it: 30.00 USD went back outside a credit note, so the invoice, its ledger entries and its burn still count it as paid"), result.Mismatches);
    }

    /// <summary>Stripe's <c>charge.refunded</c> of a charge naming neither invoice nor payment intent (API versions from 2025), through the refund processor.</summary>
    private static async Task RefundAsync(CreditNoteSetup s, string customer, long refundedMinor, string charge = "ch_1")
    {
        var refunds = new RefundStore(s.Tables);
        var processor = new RefundProcessor(refunds, new RefundPlacement(refunds, new InvoicePaymentLinkStore(s.Tables), s.Invoices, new PaymentStore(s.Tables)));
        var (placed, _) = await processor.RecordAsync(new IncomingRefund("evt_" + Guid.NewGuid().ToString("N"), charge, null, null, customer, refundedMinor, "USD", DateTimeOffset.UtcNow), Ct);
        Assert.Null(placed);
    }
}
