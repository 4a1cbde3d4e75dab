namespace Billing.Domain.Tests.Pricing;

public class PlanLoaderTests
{
    private const string File = "test-plan.json";

    private const string ValidJson = """
        {
          "id": "test-plan",
          "currency": "USD",
          "minimumCommitment": "100.00",
          "meters": [
            {
              "meter": "offload.bytes",
              "description": "Data offload",
              "unit": "DC",
              "divisor": "100000",
              "rounding": "ceil",
              "price": {
                "model": "graduated",
                "tiers": [ { "upTo": "1000", "unitPrice": "0.00001" }, { "upTo": "2000", "unitPrice": "0.000009" }, { "unitPrice": "0.000008" } ]
              }
            },
            {
              "meter": "compute.gpu_seconds",
              "description": "GPU compute",
              "unit": "GPU-hour",
              "divisor": "3600",
              "dimension": "gpuModel",
              "rates": { "H100": { "model": "perUnit", "unitPrice": "2.00" } }
            }
          ]
        }
        """;

    private static JsonObject Meter0(JsonObject root) => root["meters"]![0]!.AsObject();

    private static JsonObject Meter1(JsonObject root) => root["meters"]![1]!.AsObject();

    private static JsonArray Tiers(JsonObject root) => Meter0(root)["price"]!["tiers"]!.AsArray();

    public static readonly Dictionary<string, (Action<JsonObject> Mutate, string Field, string Reason)> Cases = new()
    {
        ["missing currency"] = (r => r.Remove("currency"), "currency", "required"),
        ["unknown currency"] = (r => r["currency"] = "XYZ", "currency", "unknown currency 'XYZ'"),
        ["missing id"] = (r => r.Remove("id"), "id", "required"),
        ["bad id characters"] = (r => r["id"] = "a b", "id", "may only contain"),
        ["no meters"] = (r => r["meters"] = new JsonArray(), "meters", "at least one meter"),
        ["unknown meter"] = (r => Meter0(r)["meter"] = "offload.packets", "meters[0].meter", "unknown meter 'offload.packets'"),
        ["duplicate meter"] = (r => r["meters"]!.AsArray().Add(Meter0(r).DeepClone()), "meters[2].meter", "priced twice"),
        ["missing unit"] = (r => Meter0(r).Remove("unit"), "meters[0].unit", "required"),
        ["unknown rounding"] = (r => Meter0(r)["rounding"] = "up", "meters[0].rounding", "unknown rounding 'up'"),
        ["zero divisor"] = (r => Meter0(r)["divisor"] = "0", "meters[0].divisor", "positive integer"),
        ["numeric divisor"] = (r => Meter0(r)["divisor"] = 100000, "meters[0].divisor", "expected a string"),
        ["non-ascending tiers"] = (r => Tiers(r)[1]!["upTo"] = "1000", "meters[0].price.tiers[1].upTo", "strictly ascending"),
        ["descending tiers"] = (r => Tiers(r)[1]!["upTo"] = "500", "meters[0].price.tiers[1].upTo", "strictly ascending"),
        ["bounded last tier"] = (r => Tiers(r)[2]!["upTo"] = "5000", "meters[0].price.tiers[2].upTo", "last tier must be unbounded"),
        ["unbounded middle tier"] = (r => Tiers(r)[0]!.AsObject().Remove("upTo"), "meters[0].price.tiers[0].upTo", "required for every tier but the last"),
        ["negative price"] = (r => Tiers(r)[0]!["unitPrice"] = "-0.00001", "meters[0].price.tiers[0].unitPrice", "must not be negative"),
        ["bad decimal string"] = (r => Tiers(r)[0]!["unitPrice"] = "1e-5", "meters[0].price.tiers[0].unitPrice", "not a decimal string"),
        ["decimal with comma"] = (r => Tiers(r)[0]!["unitPrice"] = "0,1", "meters[0].price.tiers[0].unitPrice", "not a decimal string"),
        ["float price"] = (r => Tiers(r)[0]!["unitPrice"] = 0.00001, "meters[0].price.tiers[0].unitPrice", "expected a string"),
        ["unknown price model"] = (r => Meter0(r)["price"]!["model"] = "stairstep", "meters[0].price.model", "unknown price model 'stairstep'"),
        ["unknown field"] = (r => Meter0(r)["tier"] = "x", "meters[0].tier", "unknown field"),
        ["price and rates"] = (r => Meter1(r)["price"] = new JsonObject { ["model"] = "perUnit", ["unitPrice"] = "1" }, "meters[1].price", "not both"),
        ["dimension not on meter"] = (r => Meter1(r)["dimension"] = "hotspot", "meters[1].dimension", "no dimension 'hotspot'"),
        ["empty rates"] = (r => Meter1(r)["rates"] = new JsonObject(), "meters[1].rates", "at least one"),
        ["negative rate"] = (r => Meter1(r)["rates"]!["H100"]!["unitPrice"] = "-2.00", "meters[1].rates.H100.unitPrice", "must not be negative"),
        ["missing price"] = (r => Meter0(r).Remove("price"), "meters[0].price", "required"),
        ["minimum too precise"] = (r => r["minimumCommitment"] = "100.001", "minimumCommitment", "more decimals"),
        ["negative minimum"] = (r => r["minimumCommitment"] = "-1", "minimumCommitment", "must not be negative"),
        ["minimum beyond a month"] = (r => r["minimumCommitment"] = "90071992547409.92", "minimumCommitment", "at most 90071992547409.91 USD"), // 2^53 minor units
        ["minimum beyond a long"] = (r => r["minimumCommitment"] = "92233720368547758.08", "minimumCommitment", "at most 90071992547409.91 USD"), // was an OverflowException naming nothing
        ["minimum beyond minor units"] = (r => r["minimumCommitment"] = "100000000000000000000000000", "minimumCommitment", "at most 90071992547409.91 USD"),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Parse_InvalidPlan_RejectedNamingFileFieldAndReason(string caseName)
    {
        (Action<JsonObject> mutate, string field, string reason) = Cases[caseName];
        JsonObject root = JsonNode.Parse(ValidJson)!.AsObject();
        mutate(root);

        PlanValidationException e = Assert.Throws<PlanValidationException>(() => PlanLoader.Parse(root.ToJsonString(), File));

        Assert.Equal(field, e.Field);
        Assert.Contains(reason, e.Reason, StringComparison.Ordinal);
        Assert.Contains(File, e.Message, StringComparison.Ordinal);
        Assert.Contains(field, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ValidPlan_BuildsModel()
    {
        PricePlan plan = PlanLoader.Parse(ValidJson, File);

        Assert.Equal("test-plan", plan.Id);
        Assert.Equal(Currency.USD, plan.Currency);
        Assert.Equal(new Money(10_000, Currency.USD), plan.MinimumCommitment);
        Assert.Equal(["compute.gpu_seconds", "offload.bytes"], plan.Meters.Select(m => m.Meter));
        MeterPricing bytes = plan.FindMeter("offload.bytes")!;
        Assert.Equal(new UnitConversion(100_000, QuantityRounding.Ceiling, "DC"), bytes.Conversion);
        Assert.Equal(TierMode.Graduated, bytes.Price!.Mode);
        Assert.Equal([1000m, 2000m, null], bytes.Price.Tiers.Select(t => t.UpTo));
        Assert.Equal(0.000008m, bytes.Price.Tiers[2].UnitPrice);
        Assert.Equal("gpuModel", plan.FindMeter("compute.gpu_seconds")!.Dimension);
    }

    [Fact]
    public void Parse_MinimumOfAWholeBillableMonth_Loaded()
    {
        JsonObject root = JsonNode.Parse(ValidJson)!.AsObject();
        root["minimumCommitment"] = "90071992547409.910"; // 2^53 − 1 minor units; a trailing zero is no extra decimal

        PricePlan plan = PlanLoader.Parse(root.ToJsonString(), File);

        Assert.Equal(new Money(BillableLimit.MonthMinorUnits, Currency.USD), plan.MinimumCommitment);
    }

    [Fact]
    public void Parse_NotJson_RejectedNamingFile()
    {
        PlanValidationException e = Assert.Throws<PlanValidationException>(() => PlanLoader.Parse("{ \"id\": ", File));
        Assert.Contains(File, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_IdDiffersFromFileName_Rejected()
    {
        PlanValidationException e = Assert.Throws<PlanValidationException>(
            () => PlanCatalog.Load([KeyValuePair.Create("plans/other.json", ValidJson)]));

        Assert.Equal("other.json", e.File);
        Assert.Equal("id", e.Field);
    }

    [Fact]
    public void Load_ShippedPlans_ValidAndAsSpecified()
    {
        PlanCatalog catalog = TestPlans.Catalog;

        Assert.Equal(["bandwidth-standard-v1", "carrier-standard-v1", "compute-standard-v1", "inference-standard-v1", "mapping-standard-v1", "render-standard-v1"], catalog.Plans.Select(p => p.Id));
        PricePlan carrier = catalog.Get("carrier-standard-v1");
        Assert.Null(carrier.MinimumCommitment);
        MeterPricing bytes = Assert.Single(carrier.Meters);
        Assert.Equal(new UnitConversion(100_000, QuantityRounding.Ceiling, "DC"), bytes.Conversion);
        Assert.Equal([0.00001m, 0.000008m], bytes.Price!.Tiers.Select(t => t.UnitPrice));
        Assert.Equal(1_000_000_000m, bytes.Price.Tiers[0].UpTo);

        PricePlan compute = catalog.Get("compute-standard-v1");
        Assert.Equal(new Money(10_000, Currency.USD), compute.MinimumCommitment);
        MeterPricing gpu = Assert.Single(compute.Meters);
        Assert.Equal(new UnitConversion(3_600, QuantityRounding.None, "GPU-hour"), gpu.Conversion);
        Assert.Equal(
            new Dictionary<string, decimal> { ["A100"] = 1.20m, ["H100"] = 2.00m, ["L40S"] = 0.80m, ["RTX4090"] = 0.40m },
            gpu.Rates.ToDictionary(kv => kv.Key, kv => kv.Value.Tiers[0].UnitPrice));
    }

    [Fact]
    public void Get_UnknownPlan_ThrowsNamingKnownPlans()
    {
        KeyNotFoundException e = Assert.Throws<KeyNotFoundException>(() => TestPlans.Catalog.Get("gold"));
        Assert.Contains("carrier-standard-v1", e.Message, StringComparison.Ordinal);
    }
}
