namespace Billing.Reliability.Tests.Infrastructure;

/// <summary>The built app behind a DevHost with settings of a test's choosing; every log line (DevHost and app stdout/stderr) is kept.</summary>
public sealed class AppHost : IAsyncDisposable
{
    private readonly List<string> logs = [];

    private AppHost(DevHostServer host, string connectionString, string tablePrefix)
    {
        Host = host;
        ConnectionString = connectionString;
        TablePrefix = tablePrefix;
    }

    public DevHostServer Host { get; }

    public string ConnectionString { get; }

    public string TablePrefix { get; }

    public HttpClient Client { get; private set; } = null!;

    public HttpClient Handler { get; private set; } = null!;

    public IReadOnlyList<string> LogSnapshot()
    {
        lock (logs)
        {
            return [.. logs];
        }
    }

    /// <param name="configure">Changes DevHost options beyond the settings (data directory, backoff).</param>
    public static async Task<AppHost> StartAsync(string connectionString, string tablePrefix, IReadOnlyDictionary<string, string> settings, Func<DevHostOptions, DevHostOptions>? configure = null)
    {
        AppHost? self = null;
        var buffer = new List<string>();
        configure ??= o => o;
        var host = new DevHostServer(configure(new DevHostOptions
        {
            AppDirectory = PlatformFixture.AppDirectory(),
            Port = 0,
            // As deployed (infra/main.bicep's default): ingestion keys each payer to one partition, so the load test's
            // eight carriers need as many partitions as Azure gets, or the hash stacks several of them on one reader.
            Partitions = 8,
            Settings = settings,
            Log = line =>
            {
                var target = self?.logs ?? buffer;
                lock (target)
                {
                    target.Add(line);
                }
            },
        }));
        self = new AppHost(host, connectionString, tablePrefix);
        lock (buffer)
        {
            self.logs.AddRange(buffer);
        }

        await host.StartAsync(CancellationToken.None);
        self.Client = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(120) };
        self.Handler = new HttpClient { BaseAddress = host.HandlerAddress, Timeout = TimeSpan.FromSeconds(120) };
        return self;
    }

    public BillingTables Tables() =>
        new(new TableServiceClient(ConnectionString), new StorageOptions { ConnectionString = ConnectionString, TablePrefix = TablePrefix });

    public static HttpRequestMessage Request(HttpMethod method, string path, string? key, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }

        return request;
    }

    public async Task<(int Status, string Body)> SendAsync(HttpMethod method, string path, string? key, HttpContent? content = null)
    {
        using var response = await Client.SendAsync(Request(method, path, key, content));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static StringContent Batch(string json) => new(json, Encoding.UTF8, "application/cloudevents-batch+json");

    /// <summary>Sum of a meter for one payer over [from, to) in month windows (finance key).</summary>
    public async Task<long> MeterTotalAsync(string financeKey, string payer, string meter, DateTimeOffset from, DateTimeOffset to, string? hotspot = null)
    {
        string query = $"api/v1/usage?payer={Uri.EscapeDataString(payer)}&meter={meter}&window=month&from={from:yyyy-MM-dd}&to={to:yyyy-MM-dd}" + (hotspot is null ? "" : "&groupBy=hotspot");
        var (status, body) = await SendAsync(HttpMethod.Get, query, financeKey);
        Assert.True(status == 200, $"usage query {status}: {body}");
        var rows = JsonNode.Parse(body)!["rows"]!.AsArray();
        return rows.Where(r => hotspot is null || r!["group"]!["hotspot"]!.GetValue<string>() == hotspot).Sum(r => r!["quantity"]!.GetValue<long>());
    }

    /// <summary>
    /// The rollups of every month of <c>[from, to)</c> equal a recomputation from the payer's facts
    /// (<c>GET /api/v1/rollups/verify</c>, docs/design.md §6): what usage answers was counted exactly once.
    /// </summary>
    public async Task AssertRollupsMatchFactsAsync(string financeKey, string payer, DateTimeOffset from, DateTimeOffset to)
    {
        for (var month = new DateTimeOffset(from.Year, from.Month, 1, 0, 0, 0, TimeSpan.Zero); month < to; month = month.AddMonths(1))
        {
            var (status, body) = await SendAsync(HttpMethod.Get, $"api/v1/rollups/verify?payer={Uri.EscapeDataString(payer)}&month={month:yyyy-MM}", financeKey);
            Assert.True(status == 200, $"rollups verify {status}: {body}");
            Assert.True(JsonNode.Parse(body)!["ok"]!.GetValue<bool>(), $"rollups of {payer} {month:yyyy-MM} differ from the facts: {body}");
        }
    }

    /// <summary>
    /// Every accepted event of <paramref name="payer"/> was metered exactly once: sessions and bytes equal the accepted
    /// events', the rollups equal the facts, and nothing was quarantined. The window spans the days around now that
    /// <see cref="EventFactory"/> gives events.
    /// </summary>
    public async Task AssertMeteredExactlyOnceAsync(string financeKey, string payer, IReadOnlyCollection<GeneratedEvent> accepted)
    {
        var from = DateTimeOffset.UtcNow.AddDays(-3);
        var to = DateTimeOffset.UtcNow.AddDays(2);
        Assert.Equal(accepted.Count, await MeterTotalAsync(financeKey, payer, "offload.sessions", from, to));
        Assert.Equal(accepted.Sum(e => e.Bytes), await MeterTotalAsync(financeKey, payer, "offload.bytes", from, to));
        await AssertRollupsMatchFactsAsync(financeKey, payer, from, to);
        Assert.Empty(await new QuarantineStore(Tables()).ListAsync(payer, CancellationToken.None));
    }

    /// <summary>Failed metering invocations so far (timer failures, e.g. the burn executor, are not counted).</summary>
    public int MeterFailures() => CountMeterFailures(LogSnapshot());

    public static int CountMeterFailures(IEnumerable<string> lines) =>
        lines.Count(l => l.StartsWith("devhost: Meter", StringComparison.Ordinal) && (l.Contains(" returned ", StringComparison.Ordinal) || l.Contains("invocation failed", StringComparison.Ordinal)));

    public Task DrainAsync(TimeSpan timeout) => Host.WaitForIdleAsync(timeout, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        Handler?.Dispose();
        await Host.DisposeAsync();
    }

    /// <summary>
    /// <see cref="PlatformFixture.BaseSettings"/>, and with no localnet file an explicitly empty one, so no chain is
    /// reachable (not even one named by a local.settings.json beside the app).
    /// </summary>
    public static Dictionary<string, string> BaseSettings(string connectionString, string tablePrefix, string? localnetInfoFile)
    {
        var settings = PlatformFixture.BaseSettings(connectionString, tablePrefix, localnetInfoFile);
        settings["Billing__Solana__LocalnetInfoFile"] = localnetInfoFile ?? "";
        return settings;
    }
}
