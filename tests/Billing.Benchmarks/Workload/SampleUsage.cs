namespace Billing.Benchmarks.Workload;

/// <summary>
/// Realistic CloudEvents as partners send them (docs/contract.md §3): carrier offload sessions with every optional field, and
/// hourly GPU usage. Deterministic (seeded), so runs compare like with like. Carrier sessions come from a pool of
/// <paramref name="hotspots"/> hotspots (256 by default).
/// </summary>
public sealed class SampleUsage(int seed, int hotspots = 256)
{
    public const string Carrier = "carrier-tmo";
    public const string Provider = "provider-nodeops";
    public const string Tenant = "tenant-lab";

    private static readonly string[] Rats = ["wlan", "cbrs", "nr"];
    private static readonly string[] Gpus = ["H100", "A100", "L40S", "RTX4090"];
    private readonly Random random = new(seed);
    private readonly string[] hotspots = Enumerable.Range(0, hotspots).Select(_ => string.Empty).ToArray();

    /// <summary>Partners every benchmark registers (ids, roles and plans of the local defaults).</summary>
    public static readonly Partner[] Partners =
    [
        new(Carrier, PartnerRole.Carrier, "carrier-standard-v1"),
        new(Provider, PartnerRole.Provider, null),
        new(Tenant, PartnerRole.Tenant, "compute-standard-v1") { Providers = [Provider] },
    ];

    public static string Time(DateTimeOffset t) => SampleEvents.Time(t);

    public string Hotspot(int index)
    {
        index %= hotspots.Length;
        if (hotspots[index].Length == 0)
        {
            hotspots[index] = SampleEvents.NewHotspot(random);
        }

        return hotspots[index];
    }

    /// <summary>A carrier offload session ending at <paramref name="end"/>, every optional field set; <c>time</c> = end.</summary>
    public string CarrierEvent(string id, DateTimeOffset end, string source = Carrier)
    {
        var duration = TimeSpan.FromSeconds(random.Next(60, 3600));
        long up = random.NextInt64(1_000, 50_000_000);
        long down = random.NextInt64(1_000, 500_000_000);
        var subscriber = new byte[32];
        random.NextBytes(subscriber);
        string subject = "hotspot/" + Hotspot(random.Next());
        string hotspot = Hotspot(random.Next());
        string rat = Rats[random.Next(Rats.Length)];
        long rewardable = up + down - random.NextInt64(0, 1_000);
        return new CarrierEvent(id, hotspot, up, down, end)
        {
            Source = source,
            RadioAccessTechnology = rat,
            Duration = duration,
            Subject = subject,
            DataContentType = "application/json",
            SubscriberHash = Convert.ToHexStringLower(subscriber),
            RewardableBytes = rewardable,
        }.ToJsonString();
    }

    /// <summary>An hour (or less) of GPU usage of <paramref name="lease"/>; <c>time</c> = intervalEnd.</summary>
    public string ComputeEvent(string id, string lease, DateTimeOffset end)
    {
        int seconds = random.Next(1, 5) * 900;
        string gpuModel = Gpus[random.Next(Gpus.Length)];
        int gpuCount = random.Next(1, 9);
        return new ComputeEvent(id, lease, gpuModel, gpuCount, end)
        {
            Source = Provider,
            Tenant = Tenant,
            Duration = TimeSpan.FromSeconds(seconds),
            Subject = "lease/" + lease,
            DataContentType = "application/json",
        }.ToJsonString();
    }

    /// <summary>
    /// The <paramref name="n"/>-th GPU interval of a pool: 500 leases, each reporting hour after hour back from a minute
    /// before <paramref name="now"/>, so one lease's intervals never overlap (a lease's usage is billed once: overlapping
    /// intervals under different ids would be set aside at metering, docs/contract.md §3).
    /// </summary>
    private string GpuInterval(int n, DateTimeOffset now)
    {
        string lease = "lease-" + (n % 500).ToString(CultureInfo.InvariantCulture);
        var end = now.AddMinutes(-1).AddHours(-(n / 500));
        return ComputeEvent($"{lease}:{Time(end)}", lease, end);
    }

    /// <summary>A mixed pool (three carrier sessions to one GPU interval), times within the last day before <paramref name="now"/>.</summary>
    public byte[][] MixedPool(int count, DateTimeOffset now)
    {
        var pool = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            var end = now.AddSeconds(-random.Next(60, 86_400));
            string json = i % 4 == 3
                ? GpuInterval(i / 4, now)
                : CarrierEvent($"sess-{i:D9}", end);
            pool[i] = Encoding.UTF8.GetBytes(json);
        }

        return pool;
    }
}

/// <summary>The partner registry the validator consults, as a plain dictionary (what PartnerDirectory's snapshot is).</summary>
public sealed class StaticPartners(IEnumerable<Partner> partners) : IPartnerDirectory
{
    private readonly Dictionary<string, Partner> byId = partners.ToDictionary(p => p.Id, StringComparer.Ordinal);

    public Partner? Find(string partnerId) => byId.GetValueOrDefault(partnerId);
}

public static class Plans
{
    /// <summary>The shipped price plans (functions/Billing.Functions/plans), from the build output or the repository.</summary>
    public static PlanCatalog Load()
    {
        string output = Path.Combine(AppContext.BaseDirectory, "plans");
        string directory = Directory.Exists(output) ? output : Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions", "plans");
        return BillingFunctionsApp.LoadPlans(directory);
    }
}
