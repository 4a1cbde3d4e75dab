using System.Diagnostics;
using System.Net.Sockets;
using Azure.Data.Tables;
using Billing.Storage;

namespace Billing.Tests.Shared;

/// <summary>
/// Azurite (Table Storage emulator), once per test run. <c>./run test</c> starts it and exports
/// <c>BILLING_TEST_STORAGE</c>; run alone (e.g. from an IDE), the fixture starts one from node_modules itself.
/// Every test gets its own table prefix, so tests never see each other's rows.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private Process? process;

    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("BILLING_TEST_STORAGE");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            ConnectionString = fromEnv;
            return;
        }

        string root = RepositoryRoot.Path;
        string azurite = Path.Combine(root, "node_modules", ".bin", "azurite-table");
        if (!File.Exists(azurite))
        {
            throw new InvalidOperationException("Azurite is not installed: run `npm ci` in the repository root (./run test does it for you).");
        }

        int port = FreePort.Find();
        process = Process.Start(new ProcessStartInfo(azurite, ["--inMemoryPersistence", "--disableTelemetry", "--tableHost", "127.0.0.1", "--tablePort", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--skipApiVersionCheck"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await WaitForPortAsync(port, TimeSpan.FromSeconds(30));
        ConnectionString = ConnectionStringFor(port);
    }

    /// <summary>Azurite's well-known development account on 127.0.0.1:<paramref name="port"/>.</summary>
    public static string ConnectionStringFor(int port) =>
        $"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1;";

    /// <summary>Fresh tables under a unique prefix; <paramref name="client"/> adds pipeline policies (e.g. a request counter).</summary>
    public async Task<BillingTables> NewTablesAsync(int shards = 8, TableClientOptions? client = null)
    {
        var options = new StorageOptions { ConnectionString = ConnectionString, TablePrefix = UniquePrefix(), FactShards = shards };
        var tables = new BillingTables(new TableServiceClient(ConnectionString, client ?? new TableClientOptions()), options);
        await tables.EnsureCreatedAsync(CancellationToken.None);
        return tables;
    }

    public static string UniquePrefix() => "t" + Guid.NewGuid().ToString("N")[..16];

    public Task DisposeAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
        }

        process?.Dispose();
        return Task.CompletedTask;
    }

    public static async Task WaitForPortAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AzuriteCollection : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "azurite";
}
