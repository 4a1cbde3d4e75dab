namespace Billing.Payments.Tests;

internal static class TestInvoices
{
    public static readonly BillingPeriod October2026 = new(2026, 10);

    /// <summary>
    /// INV-carrier-tmo-202610, USD: data offload 0.12 (12345 DC), GPU 3.75 (1.5 GPU-hour), and a −2.50 credit for 2026-09.
    /// </summary>
    public static Invoice CarrierOctober(int revision = 0) =>
        new(
            new InvoiceId("carrier-tmo", October2026, revision),
            "carrier-standard-v1",
            InvoiceStatus.Finalized,
            Currency.USD,
            [
                new InvoiceLine("offload.bytes", "Data offload", null, 12345m, "DC", 0.00001m, new Money(12, Currency.USD)),
                new InvoiceLine(
                    "gpu.hours",
                    "GPU compute",
                    new Dictionary<string, string> { ["gpuModel"] = "H100" },
                    1.500000m,
                    "GPU-hour",
                    2.50m,
                    new Money(375, Currency.USD)),
                Adjustments.Line(new BillingPeriod(2026, 9), new Money(-250, Currency.USD)),
            ]);
}
