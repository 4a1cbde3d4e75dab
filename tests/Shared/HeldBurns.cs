using Azure.Data.Tables;
using Billing.Domain;
using Billing.Domain.Burns;
using Billing.Domain.Credits;
using Billing.Domain.Invoicing;
using Billing.Domain.Payments;
using Billing.Storage;

namespace Billing.Tests.Shared;

/// <summary>Burns held because money of their invoice went back, stored as the webhook and the settlement leave them.</summary>
internal static class HeldBurns
{
    /// <summary>
    /// A held burn of 123.45 <paramref name="currency"/> (default USD) whose invoice was paid in full and refunded 23.45 outside any credit note (100.00 kept),
    /// in the platform's tables (<paramref name="connectionString"/>, <paramref name="tablePrefix"/>); its id.
    /// <paramref name="earlierReleases"/> releases are already recorded on it, with <paramref name="note"/> (default
    /// <c>release {i}</c>).
    /// </summary>
    public static async Task<string> CreateAsync(string connectionString, string tablePrefix, int earlierReleases = 0, string? note = null, string currency = "USD")
    {
        var money = Currency.FromCode(currency);
        var tables = new BillingTables(new TableServiceClient(connectionString), new StorageOptions { TablePrefix = tablePrefix });
        string invoiceId = $"INV-release{Guid.NewGuid():N}"[..20] + "-202610";
        var paid = new InvoicePayments(new Dictionary<string, PaymentSource>(StringComparer.Ordinal) { ["in_r"] = new(currency, 12_345, Applied: true) }, "evt_r");
        var payment = new PaymentRecord("evt_r", invoiceId, "carrier-x", 12_345, currency, "in_r", "cus_r", null, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow) { Resolution = PaymentResolution.Applied };
        await new PaymentStore(tables).TryRecordAsync(payment, paid, null, CancellationToken.None);
        var line = new InvoiceLine("offload.bytes", "Data offload", new Dictionary<string, string>(), 1, "DC", 0.01m, new Money(12_345, money));
        await new InvoiceStore(tables).AddOrGetAsync(new Invoice(InvoiceId.Parse(invoiceId), "carrier-standard-v1", InvoiceStatus.Draft, money, [line]).Finalize(), CancellationToken.None);
        await RefundRows.PlacedAsync(tables, new IncomingRefund("evt_re_r", "ch_" + invoiceId, null, "in_r", "cus_r", 2_345, currency, DateTimeOffset.UtcNow), invoiceId);
        var intent = SampleBurns.Pending(BurnIntent.IdFor(invoiceId), invoiceId, 12_345, DateTimeOffset.UtcNow) with
        {
            PaymentId = "evt_r",
            Currency = currency,
            Status = BurnStatus.Held,
            Reason = "held: refunded",
            Releases = [.. Enumerable.Range(0, earlierReleases).Select(i => new BurnRelease("finance", DateTimeOffset.UtcNow, 12_345, 12_345, note ?? $"release {i}"))],
        };
        await new BurnStore(tables).CreateIfAbsentAsync(intent, CancellationToken.None);
        return intent.Id;
    }
}
