namespace Billing.Domain.Tests.Definitions;

/// <summary>The shipped definitions (functions/Billing.Functions/meters), sample events of each, and partners that pay for them.</summary>
internal static class ShippedDefinitions
{
    public static readonly DateTimeOffset Now = new(2026, 10, 20, 12, 0, 0, TimeSpan.Zero);
    public const string Node = "5ZxY9QXb1cTqVmk3n8pJfLr2sDwEaGh4uKoN6iBvCyT7"; // 32 bytes
    public const string Cell = "8928308280fffff"; // resolution 9

    private static readonly Lazy<EventDefinitions> Lazy = new(() => EventDefinitions.Load(Files()));

    public static EventDefinitions All => Lazy.Value;

    public static string Directory([CallerFilePath] string sourceFile = "") =>
        Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", "..", "functions", "Billing.Functions", "meters");

    public static IEnumerable<KeyValuePair<string, string>> Files() =>
        System.IO.Directory.EnumerateFiles(Directory(), "*.json").Order(StringComparer.Ordinal).Select(f => KeyValuePair.Create(Path.GetFileName(f), File.ReadAllText(f)));

    public static string Text(string type) => File.ReadAllText(Path.Combine(Directory(), type + ".json"));

    public static UsageEventValidator Validator() => new(new Partners(), Pricing.TestPlans.Catalog, All);

    public static EventValidationResult Validate(JsonObject evt, DateTimeOffset? now = null) =>
        Validator().Validate(System.Text.Encoding.UTF8.GetBytes(evt.ToJsonString()), new ValidationContext(now ?? Now, evt["source"]!.GetValue<string>()));

    public static JsonObject Envelope(string type, string source, string id, JsonObject data, DateTimeOffset? time = null) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = id,
        ["source"] = source,
        ["type"] = type,
        ["time"] = (time ?? Now.AddMinutes(-5)).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["data"] = data,
    };

    public static JsonObject Render(string id = "job-1:part-1", string tier = "tier2", int frames = 240, int octaneBench = 300, int minutes = 90) =>
        Envelope("depin.render.job.v1", "provider-render", id, new JsonObject
        {
            ["customerId"] = "tenant-studio",
            ["jobId"] = "job-1",
            ["nodeId"] = Node,
            ["tier"] = tier,
            ["frames"] = frames,
            ["octaneBench"] = octaneBench,
            ["startTime"] = "2026-10-20T10:00:00Z",
            ["endTime"] = Now.Date.AddHours(10).AddMinutes(minutes).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        });

    public static JsonObject Bandwidth(string id = "bw-1", long bytes = 5_000_000_000, long? requests = 1200) =>
        Envelope("depin.bandwidth.usage.v1", "provider-grass", id, new JsonObject
        {
            ["customerId"] = "tenant-scraper",
            ["nodeId"] = Node,
            ["country"] = "DE",
            ["bytesServed"] = bytes,
            ["requests"] = requests,
            ["startTime"] = "2026-10-20T10:00:00Z",
            ["endTime"] = "2026-10-20T11:00:00Z",
        });

    public static JsonObject Mapping(string id = "map-1", string cell = Cell, int metres = 1500) =>
        Envelope("depin.mapping.coverage.v1", "provider-mapper", id, new JsonObject
        {
            ["customerId"] = "tenant-fleet",
            ["deviceId"] = Node,
            ["h3Cell"] = cell,
            ["distanceMeters"] = metres,
            ["capturedAt"] = "2026-10-20T11:30:00Z",
        });

    public static JsonObject Inference(string id = "inf-1", string model = "llama-3.1-8b", long input = 1000, long output = 250) =>
        Envelope("depin.inference.usage.v1", "provider-inference", id, new JsonObject
        {
            ["customerId"] = "tenant-ai",
            ["model"] = model,
            ["inputTokens"] = input,
            ["outputTokens"] = output,
        });

    public sealed class Partners : IPartnerDirectory
    {
        private static readonly Dictionary<string, Partner> Known = new()
        {
            ["provider-grass"] = new("provider-grass", PartnerRole.Provider, null),
            ["provider-mapper"] = new("provider-mapper", PartnerRole.Provider, null),
            ["provider-render"] = new("provider-render", PartnerRole.Provider, null),
            ["provider-inference"] = new("provider-inference", PartnerRole.Provider, null),
            ["carrier-tmo"] = new("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1"),
            ["tenant-scraper"] = new("tenant-scraper", PartnerRole.Tenant, "bandwidth-standard-v1") { Providers = ["provider-grass"] },
            ["tenant-fleet"] = new("tenant-fleet", PartnerRole.Tenant, "mapping-standard-v1") { Providers = ["provider-mapper"] },
            ["tenant-studio"] = new("tenant-studio", PartnerRole.Tenant, "render-standard-v1") { Providers = ["provider-render"] },
            ["tenant-ai"] = new("tenant-ai", PartnerRole.Tenant, "inference-standard-v1") { Providers = ["provider-inference"] },
        };

        public Partner? Find(string partnerId) => Known.GetValueOrDefault(partnerId);
    }
}
