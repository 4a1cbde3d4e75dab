using Billing.Domain;
using Billing.Domain.Burns;
using Billing.Domain.Invoicing;
using Billing.Domain.Payments;
using Billing.Storage;

namespace Billing.Tests.Shared;

/// <summary>
/// Pending burns stored with what a paid invoice leaves behind: the invoice, paid in full, and the Stripe payment the burn
/// names, applied. The executor signs a burn only for what those records leave to burn (BurnExecutor.Sources.cs).
/// </summary>
public static class PaidBurns
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    /// <summary>A fresh invoice id of a payer of its own.</summary>
    public static string NewInvoiceId() => $"INV-carrier-{Guid.NewGuid().ToString("N")[..8]}-202610";

    /// <summary>
    /// A pending burn of <paramref name="usdMinor"/> for a fresh invoice of that total paid in full, stored with its invoice and
    /// payment; <paramref name="shape"/> changes the burn before it is stored (not its invoice or payment).
    /// </summary>
    /// <remarks>With <paramref name="paidMinor"/>, the payment brought in that much (more than the total: an overpayment).</remarks>
    public static async Task<BurnIntent> CreateAsync(BillingTables tables, long usdMinor, Func<BurnIntent, BurnIntent>? shape = null, long? paidMinor = null)
    {
        string invoiceId = NewInvoiceId();
        var pending = SampleBurns.Pending(BurnIntent.IdFor(invoiceId), invoiceId, usdMinor, DateTimeOffset.UtcNow);
        await PaidInvoiceAsync(tables, invoiceId, pending.PaymentId, usdMinor, paidMinor);
        return (await new BurnStore(tables).CreateIfAbsentAsync(shape is null ? pending : shape(pending), Ct)).Intent;
    }

    /// <summary>Invoice <paramref name="invoiceId"/> of <paramref name="totalMinor"/> USD, paid with <paramref name="paidMinor"/> (default: the total) by Stripe event <paramref name="paymentId"/>.</summary>
    public static async Task PaidInvoiceAsync(BillingTables tables, string invoiceId, string paymentId, long totalMinor, long? paidMinor = null)
    {
        long paid = paidMinor ?? totalMinor;
        var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(totalMinor, Currency.USD));
        var id = InvoiceId.Parse(invoiceId);
        await new InvoiceStore(tables).AddOrGetAsync(new Invoice(id, "carrier-standard-v1", InvoiceStatus.Draft, Currency.USD, [line]).Finalize().ApplyPayments(paid), Ct);
        string stripeInvoice = "in_" + paymentId;
        var state = new InvoicePayments(new Dictionary<string, PaymentSource>(StringComparer.Ordinal) { [stripeInvoice] = new("USD", paid, Applied: true) }, paymentId);
        var payment = new PaymentRecord(paymentId, invoiceId, id.Payer, paid, "USD", stripeInvoice, "cus_" + id.Payer, null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow)
        {
            Resolution = PaymentResolution.Applied,
            DeltaMinor = paid,
            ToReceivableMinor = Math.Min(paid, totalMinor),
            ToCreditMinor = Math.Max(0, paid - totalMinor),
        };
        Assert.Equal(PaymentWrite.Recorded, await new PaymentStore(tables).TryRecordAsync(payment, state, null, Ct));
    }
}
