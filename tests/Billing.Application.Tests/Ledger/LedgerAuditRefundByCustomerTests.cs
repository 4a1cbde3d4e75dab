using Billing.Application.Tests.Payments;

namespace Billing.Application.Tests.Ledger;

/// <summary>
/// Refunds no invoice is found for, compared by their customer: with the customer's invoices (from the payments) and their
/// credit notes. A refund of a customer who paid nothing, and one beyond the notes, are reported with their exact details.
/// </summary>
[Collection(AzuriteCollection.Name)]
public class LedgerAuditRefundByCustomerTests(AzuriteFixture azurite)
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task ReconcileAsync_RefundOfACustomerWhoPaidNothingAndOneBeyondTheNotes_Reported()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        var (invoiceId, _, _) = await s.PaidInvoiceAsync();
        await RefundAsync(s, "cus_1", 3_000, "ch_paid");
        await RefundAsync(s, "cus_stranger", 2_000, "ch_stranger");

        var mismatches = await s.ReconcileAsync();

        Assert.Contains(new AuditProblem("RefundUnmatched", "ch_stranger",
            "20.00 USD refunded on a charge no invoice of this platform was found for (Stripe invoice not named, payment intent not named, customer cus_stranger)"), mismatches);
        Assert.Contains(new AuditProblem("RefundWithoutCreditNote", $"cus_1 ({invoiceId})",
            "Stripe refunded 30.00 USD on ch_paid, credit notes refunded 0.00 USD of it: 30.00 USD went back outside a credit note, so the invoice, its ledger entries and its burn still count it as paid"), mismatches);
    }

    [Fact]
    public async Task ReconcileAsync_RefundOfACustomerUpToWhatItOverpaid_NotReported()
    {
        var s = await CreditNoteSetup.NewAsync(azurite);
        await s.PaidInvoiceAsync(paidMinor: 12_000); // 20.00 USD over the total: the payer's credit
        await RefundAsync(s, "cus_1", 2_000, "ch_overpaid");

        var mismatches = await s.ReconcileAsync();

        Assert.DoesNotContain(mismatches, m => m.Kind == "RefundWithoutCreditNote");
    }

    /// <summary>Stripe's <c>charge.refunded</c> of a charge naming neither invoice nor payment intent (API versions from 2025), through the refund processor.</summary>
    private static async Task RefundAsync(CreditNoteSetup s, string customer, long refundedMinor, string charge = "ch_1")
    {
        var processor = s.RefundProcessor();
        var (placed, _) = await processor.RecordAsync(new IncomingRefund("evt_" + Guid.NewGuid().ToString("N"), charge, null, null, customer, refundedMinor, "USD", DateTimeOffset.UtcNow), Ct);
        Assert.Null(placed);
    }
}
