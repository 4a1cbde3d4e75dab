namespace Billing.Cli.Generation;

/// <summary>
/// A shipped declarative network (functions/Billing.Functions/meters): its event type, the dev partners that post and
/// pay for it (local.settings.sample.json), and the SUM meter whose field the demo totals to know metering caught up.
/// </summary>
/// <param name="Name">The short name <c>billing generate --network</c> takes.</param>
/// <param name="Type">The CloudEvents type.</param>
/// <param name="Provider">The provider partner that posts the events.</param>
/// <param name="Tenant">The tenant named in <c>data.customerId</c>: the payer.</param>
/// <param name="Plan">The tenant's default plan.</param>
/// <param name="Meter">A SUM meter of the type.</param>
/// <param name="MeterField">The data field that meter sums.</param>
/// <param name="Noun">What one event is, for summaries.</param>
public sealed record SampleNetwork(string Name, string Type, string Provider, string Tenant, string Plan, string Meter, string MeterField, string Noun)
{
    public static readonly SampleNetwork Bandwidth = new("bandwidth", "depin.bandwidth.usage.v1", "provider-grass", "tenant-scraper", "bandwidth-standard-v1", "bandwidth.bytes", "bytesServed", "bandwidth reports");

    public static readonly SampleNetwork Mapping = new("mapping", "depin.mapping.coverage.v1", "provider-mapper", "tenant-fleet", "mapping-standard-v1", "mapping.distance", "distanceMeters", "map captures");

    public static readonly SampleNetwork Render = new("render", "depin.render.job.v1", "provider-render", "tenant-studio", "render-standard-v1", "render.frames", "frames", "render segments");

    public static readonly SampleNetwork Inference = new("inference", "depin.inference.usage.v1", "provider-inference", "tenant-ai", "inference-standard-v1", "inference.input_tokens", "inputTokens", "inference reports");

    public static IReadOnlyList<SampleNetwork> All { get; } = [Bandwidth, Mapping, Render, Inference];

    /// <summary>The dev key of the provider on a local platform (<c>dev-{id}-key</c>, as for the built-in partners).</summary>
    public string DevProviderKey => $"dev-{Provider}-key";

    /// <summary>The networks named (<c>all</c> = every one), in catalogue order; throws <see cref="UsageException"/> for an unknown name.</summary>
    public static IReadOnlyList<SampleNetwork> Parse(IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var chosen = new HashSet<SampleNetwork>();
        foreach (string name in names)
        {
            if (string.Equals(name, "all", StringComparison.OrdinalIgnoreCase))
            {
                chosen.UnionWith(All);
                continue;
            }

            chosen.Add(All.FirstOrDefault(n => string.Equals(n.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new UsageException($"--network '{name}' is not one of all, {string.Join(", ", All.Select(n => n.Name))}"));
        }

        return All.Where(chosen.Contains).ToList();
    }
}
