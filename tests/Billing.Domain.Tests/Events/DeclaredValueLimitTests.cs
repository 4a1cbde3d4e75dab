using Billing.Domain.Tests.Definitions;

namespace Billing.Domain.Tests.Events;

/// <summary>
/// A MAX or LATEST month is one value per group, so a value too large for the payer's plan to bill is refused when it
/// arrives (its field the meter), never accepted to fail the close of that payer's month for good.
/// </summary>
public sealed class DeclaredValueLimitTests
{
    private const string Definition = """
        {"type":"test.peak.v1","description":"Peak","postedBy":"carrier","payer":"source",
         "fields":{"level":{"type":"integer","min":0,"max":1000000000000000}},
         "meters":[{"name":"test.peak","description":"Peak","aggregation":"MAX","value":"level * 1000","unit":"u","dimensions":{}}]}
        """;

    // carrier-tmo's plan, at 1.00 USD a unit: one month may bill 90,071,992,547,408 units.
    private const string Plan = """
        {"id":"carrier-standard-v1","currency":"USD","meters":[{"meter":"test.peak","description":"Peak","unit":"u","price":{"model":"perUnit","unitPrice":"1.00"}}]}
        """;

    private static EventValidationResult Validate(long level)
    {
        var definitions = EventDefinitions.Load([KeyValuePair.Create("test.peak.v1.json", Definition)]);
        var plans = new PlanCatalog([PlanLoader.Parse(Plan, "carrier-standard-v1.json", definitions.Meters.Dimensions)]);
        var validator = new UsageEventValidator(new ShippedDefinitions.Partners(), plans, definitions);
        var evt = ShippedDefinitions.Envelope("test.peak.v1", "carrier-tmo", "peak-1", new JsonObject { ["level"] = level });
        return validator.Validate(Encoding.UTF8.GetBytes(evt.ToJsonString()), new ValidationContext(ShippedDefinitions.Now, "carrier-tmo"));
    }

    [Fact]
    public void Validate_MaxValueWithinThePlansMonth_Accepted()
    {
        var result = Validate(90_071_992_547);

        Assert.Empty(result.Errors);
        Assert.Equal(90_071_992_547_000, result.Fact!.Quantity("test.peak"));
    }

    [Fact]
    public void Validate_MaxValueNoInvoiceCanBill_RejectedOnTheMeter()
    {
        // Before: accepted, and 10^18 units at 1.00 are 10^20 minor units: no invoice line holds them, so the close failed.
        var result = Validate(1_000_000_000_000_000);

        Assert.Null(result.Fact);
        var error = Assert.Single(result.Errors);
        Assert.Equal("test.peak", error.Field);
        Assert.Contains("90071992547408", error.Reason, StringComparison.Ordinal);
    }
}
