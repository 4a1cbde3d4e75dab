using Billing.Domain.Credits;
using Billing.Storage;

namespace Billing.Tests.Shared;

/// <summary>Stripe refunds stored as the webhook leaves them once their charge was placed under an invoice.</summary>
internal static class RefundRows
{
    /// <summary>Records <paramref name="refund"/> and places its charge under <paramref name="invoiceId"/>, as the placement does once it finds that invoice.</summary>
    public static async Task PlacedAsync(BillingTables tables, IncomingRefund refund, string invoiceId)
    {
        var store = new RefundStore(tables);
        await store.RecordAsync(refund, CancellationToken.None);
        var (record, etag) = (await store.GetAsync(refund.ChargeId, CancellationToken.None))!.Value;
        if (record.InvoiceId != invoiceId)
        {
            Assert.True(await store.TryPlaceAsync(record, etag, invoiceId, CancellationToken.None));
        }
    }
}
