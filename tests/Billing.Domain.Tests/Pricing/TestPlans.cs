namespace Billing.Domain.Tests.Pricing;

/// <summary>The shipped plan files (functions/Billing.Functions/plans), located relative to this source file.</summary>
internal static class TestPlans
{
    private static readonly Lazy<PlanCatalog> LazyCatalog = new(() => PlanCatalog.Load(
        Directory.EnumerateFiles(PlansDirectory(), "*.json").Select(f => KeyValuePair.Create(f, File.ReadAllText(f))),
        Billing.Domain.Definitions.EventDefinitions.Load(
            Directory.EnumerateFiles(Path.Combine(PlansDirectory(), "..", "meters"), "*.json").Select(f => KeyValuePair.Create(f, File.ReadAllText(f)))).Meters.Dimensions));

    public static PlanCatalog Catalog => LazyCatalog.Value;

    public static PricePlan Carrier => Catalog.Get("carrier-standard-v1");

    public static PricePlan Compute => Catalog.Get("compute-standard-v1");

    public static string PlansDirectory([CallerFilePath] string sourceFile = "")
    {
        // tests/Billing.Domain.Tests/Pricing/TestPlans.cs → repository root is three levels up.
        string? dir = Path.GetDirectoryName(sourceFile);
        for (int i = 0; i < 3 && dir is not null; i++)
        {
            dir = Path.GetDirectoryName(dir);
        }

        string path = Path.Combine(dir ?? ".", "functions", "Billing.Functions", "plans");
        return Directory.Exists(path) ? path : throw new DirectoryNotFoundException($"Plan directory not found: {path}");
    }

    /// <summary>A plan <c>p</c> in USD pricing one meter <c>m.a</c> (unit <c>u</c>, no dimensions) with <paramref name="fields"/>, e.g. <c>"price":{…}</c>.</summary>
    public static PricePlan OneMeter(string fields) => PlanLoader.Parse(
        $"{{\"id\":\"p\",\"currency\":\"USD\",\"meters\":[{{\"meter\":\"m.a\",\"description\":\"A\",\"unit\":\"u\",{fields}}}]}}",
        "p.json",
        new Dictionary<string, IReadOnlyList<string>> { ["m.a"] = [] });

    public static MeterUsage Bytes(long bytes, string hotspot = "hs1") =>
        new(BillableMeters.OffloadBytes, new Dictionary<string, string> { ["hotspot"] = hotspot, ["rat"] = "wifi" }, bytes);

    public static MeterUsage Sessions(long count) =>
        new(BillableMeters.OffloadSessions, new Dictionary<string, string> { ["hotspot"] = "hs1", ["rat"] = "wifi" }, count);

    public static MeterUsage Gpu(string model, long seconds, string lease = "lease-1") =>
        new(BillableMeters.ComputeGpuSeconds, new Dictionary<string, string> { ["gpuModel"] = model, ["lease"] = lease, ["provider"] = "prov-1" }, seconds);
}
