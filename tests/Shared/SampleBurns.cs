using Billing.Domain.Burns;

namespace Billing.Tests.Shared;

/// <summary>Burn intents as a paid invoice creates them (pending, nothing priced or signed yet), for the executor's tests and benchmark.</summary>
public static class SampleBurns
{
    /// <summary>A pending intent of <paramref name="usdMinor"/> US cents for carrier-tmo, paid by a fresh Stripe event id.</summary>
    public static BurnIntent Pending(string id, string invoiceId, long usdMinor, DateTimeOffset now) => new()
    {
        Id = id,
        InvoiceId = invoiceId,
        Payer = "carrier-tmo",
        PaymentId = "evt_" + Guid.NewGuid().ToString("N"),
        UsdMinor = usdMinor,
        Currency = "USD",
        CreatedAt = now,
        UpdatedAt = now,
    };
}
