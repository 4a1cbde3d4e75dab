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

    [Fact]
    public async Task AddUsagePublishing_NothingConfigured_FailsNamingTheSetting()
    {
        await using var provider = Build([]);

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<PublishingOptions>>().Value);

        Assert.Contains("Billing:Publishing:FullyQualifiedNamespace", ex.Message, StringComparison.Ordinal);
    }
}
