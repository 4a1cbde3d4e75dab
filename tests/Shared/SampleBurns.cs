using Billing.Domain.Burns;
using Billing.Domain.Invoicing;

namespace Billing.Tests.Shared;

/// <summary>Burn intents as a paid invoice creates them (pending, nothing priced or signed yet), for the executor's tests and benchmark.</summary>
public static class SampleBurns
{
    /// <summary>A pending intent of <paramref name="usdMinor"/> US cents for the payer its invoice id names (else carrier-tmo), paid by a fresh Stripe event id.</summary>
    public static BurnIntent Pending(string id, string invoiceId, long usdMinor, DateTimeOffset now) => new()
    {
        Id = id,
        InvoiceId = invoiceId,
        Payer = PayerOf(invoiceId),
        PaymentId = "evt_" + Guid.NewGuid().ToString("N"),
        UsdMinor = usdMinor,
        Currency = "USD",
        CreatedAt = now,
        UpdatedAt = now,
    };

    private static string PayerOf(string invoiceId)
    {
        try
        {
            return InvoiceId.Parse(invoiceId).Payer;
        }
        catch (FormatException)
        {
            return "carrier-tmo";
        }
    }
}
