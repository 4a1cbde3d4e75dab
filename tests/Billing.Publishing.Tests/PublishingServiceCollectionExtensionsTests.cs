using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Billing.Publishing.Tests;

public sealed class PublishingServiceCollectionExtensionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddUsagePublishing(configuration, _ => 4);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task AddUsagePublishing_ConnectionStringAndHotPayer_ResolvesPublisherAndPartitioner()
    {
        await using var provider = Build(new()
        {
            ["Billing:Publishing:ConnectionString"] = "Endpoint=sb://localhost;SharedAccessKeyName=k;SharedAccessKey=a2V5;UseDevelopmentEmulator=true",
            ["Billing:Publishing:HotPayers:0"] = "carrier-tmo",
        });

        Assert.IsType<EventHubsUsagePublisher>(provider.GetRequiredService<IUsagePublisher>());
        var partitioner = provider.GetRequiredService<UsagePartitioner>();
        Assert.True(partitioner.IsHot("carrier-tmo"));
        Assert.Matches(@"^carrier-tmo\|0[0-3]$", partitioner.PartitionKey("carrier-tmo", "carrier-tmo", "sess-1"));
        Assert.Equal("carrier-other", partitioner.PartitionKey("carrier-other", "carrier-other", "sess-1"));
    }

    // The metering functions read fixed hub names (function.json eventHubName): a hub named in a setting would take events
    // nobody meters (or fail every publish where it does not exist).
    [Fact]
    public async Task AddUsagePublishing_HubNamesInSettings_PublishesToTheHubsTheMeteringFunctionsRead()
    {
        await using var provider = Build(new()
        {
            ["Billing:Publishing:FullyQualifiedNamespace"] = "billing-ehns-x.servicebus.windows.net",
            ["Billing:Publishing:CarrierOffloadHub"] = "carrier-offload-eu",
            ["Billing:Publishing:ComputeUsageHub"] = "compute-usage-eu",
            ["Billing:Publishing:DeclaredUsageHub"] = "declared-usage-eu",
        });

        var publisher = Assert.IsType<EventHubsUsagePublisher>(provider.GetRequiredService<IUsagePublisher>());

        foreach (var hub in Enum.GetValues<UsageHub>())
        {
            Assert.Equal(MeteredHub("Meter" + hub), publisher.ClientOf(hub).EventHubName);
        }
    }

    /// <summary>The hub the metering function <paramref name="function"/> is triggered by.</summary>
    private static string MeteredHub(string function) =>
        (string)JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "functions", "Billing.Functions", function, "function.json")))!["bindings"]!
            .AsArray().Single(b => (string?)b!["type"] == "eventHubTrigger")!["eventHubName"]!;

    [Fact]
    public async Task AddUsagePublishing_NothingConfigured_FailsNamingTheSetting()
    {
        await using var provider = Build([]);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PublishingOptions>>().Value);

        Assert.Contains("Billing:Publishing:FullyQualifiedNamespace", ex.Message, StringComparison.Ordinal);
    }
}
