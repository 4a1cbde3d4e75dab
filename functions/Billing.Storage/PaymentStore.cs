using Azure;
using Azure.Data.Tables;

namespace Billing.Storage;

/// <summary>A payment as Stripe reported it.</summary>
public sealed record PaymentRecord(
    string StripeEventId,
    string InvoiceId,
    string Payer,
    long AmountMinor,
    string Currency,
    string? StripeInvoiceId,
    string? StripeCustomerId,
    string? PaymentIntentId,
    DateTimeOffset PaidAt,
    DateTimeOffset ReceivedAt);

/// <summary>
/// Payments, exactly once per Stripe event id (RK), partitioned by invoice for per-invoice lookups. Stripe retries a
/// webhook until it gets a 2xx and may deliver an event twice; the insert of the event id is the dedup.
/// </summary>
public sealed class PaymentStore(BillingTables tables)
{
    private readonly TableClient table = tables.Payments;

    /// <summary>True when this event was new; false when it was recorded before (a replay).</summary>
    public async Task<bool> TryAddAsync(PaymentRecord payment, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(TableKey.Escape(payment.InvoiceId), TableKey.Escape(payment.StripeEventId))
        {
            ["Payer"] = payment.Payer,
            ["AmountMinor"] = payment.AmountMinor,
            ["Currency"] = payment.Currency,
            ["StripeInvoiceId"] = payment.StripeInvoiceId,
            ["StripeCustomerId"] = payment.StripeCustomerId,
            ["PaymentIntentId"] = payment.PaymentIntentId,
            ["PaidAt"] = payment.PaidAt,
            ["ReceivedAt"] = payment.ReceivedAt,
        };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    public async Task<IReadOnlyList<PaymentRecord>> ListAsync(string? invoiceId, CancellationToken cancellationToken)
    {
        string? filter = invoiceId is null ? null : TableClient.CreateQueryFilter($"PartitionKey eq {TableKey.Escape(invoiceId)}");
        var list = new List<PaymentRecord>();
        await foreach (var e in table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            list.Add(new PaymentRecord(TableKey.Unescape(e.RowKey), TableKey.Unescape(e.PartitionKey), e.GetString("Payer") ?? "", e.GetInt64("AmountMinor") ?? 0,
                e.GetString("Currency") ?? "", e.GetString("StripeInvoiceId"), e.GetString("StripeCustomerId"), e.GetString("PaymentIntentId"),
                e.GetDateTimeOffset("PaidAt") ?? default, e.GetDateTimeOffset("ReceivedAt") ?? default));
        }

        return list;
    }
}
