namespace Billing.Domain.Tests.Events;

/// <summary>Valid sample events (docs/contract.md §3) and a registry matching the local defaults, for mutation in tests.</summary>
internal static class TestEvents
{
    public static readonly DateTimeOffset Now = new(2026, 10, 20, 12, 0, 0, TimeSpan.Zero);
    public const string Hotspot = "5ZxY9QXb1cTqVmk3n8pJfLr2sDwEaGh4uKoN6iBvCyT7"; // decodes to 32 bytes

    private static DateTimeOffset At(int hour, int minute) => new(2026, 10, 20, hour, minute, 0, TimeSpan.Zero);

    /// <summary>A carrier session with every optional field, 10:00–10:15 on <see cref="Now"/>'s day.</summary>
    public static JsonObject Carrier(string id = "sess-000123") =>
        new CarrierEvent(id, Hotspot, 1_200_000, 5_400_000, At(10, 15)).Complete(new string('a', 64), 6_600_000).ToJson();

    /// <summary>An hour of eight H100s of lease-77, 10:00–11:00 on <see cref="Now"/>'s day.</summary>
    public static JsonObject Compute(string id = "lease-77:2026-10-20T10") =>
        new ComputeEvent(id, "lease-77", "H100", 8, At(11, 0)) { Subject = "lease/lease-77" }.ToJson();

    public static UsageEventValidator Validator() => new(new Directory(), new Prices());

    public static EventValidationResult Validate(JsonNode evt, string? poster = null, DateTimeOffset? now = null)
    {
        byte[] json = System.Text.Encoding.UTF8.GetBytes(evt.ToJsonString());
        string source = (evt as JsonObject)?["source"]?.GetValue<string>() ?? "carrier-tmo";
        return Validator().Validate(json, new ValidationContext(now ?? Now, poster ?? source));
    }

    public sealed class Directory : IPartnerDirectory
    {
        private static readonly Dictionary<string, Partner> Partners = new()
        {
            ["carrier-tmo"] = new("carrier-tmo", PartnerRole.Carrier, "carrier-standard-v1"),
            ["carrier-other"] = new("carrier-other", PartnerRole.Carrier, "carrier-standard-v1") { Providers = ["carrier-tmo"] },
            ["provider-nodeops"] = new("provider-nodeops", PartnerRole.Provider, null),
            ["tenant-lab"] = new("tenant-lab", PartnerRole.Tenant, "compute-standard-v1") { Providers = ["provider-nodeops"] },
            ["finance"] = new("finance", PartnerRole.Finance, null),
        };

        public Partner? Find(string partnerId) => Partners.GetValueOrDefault(partnerId);

        /// <summary>Partners whose rows the registry cannot read: those named <c>…-unreadable</c>.</summary>
        public bool IsUnreadable(string partnerId) => partnerId.EndsWith("-unreadable", StringComparison.Ordinal);
    }

    public sealed class Prices : IPriceCatalog
    {
        public bool IsPriced(string planId, string meter, string dimensionValue) =>
            planId == "compute-standard-v1" && dimensionValue is "H100" or "A100" or "L40S" or "RTX4090";
    }
}
