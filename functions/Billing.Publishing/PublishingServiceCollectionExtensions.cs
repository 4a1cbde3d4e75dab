namespace Billing.Publishing;

public static class PublishingServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="PublishingOptions"/> from <c>Billing:Publishing</c>, validates them at start, and registers the
    /// <see cref="UsagePartitioner"/> and the <see cref="IUsagePublisher"/>: Event Hubs, or the DevHost's hubs when
    /// <see cref="PublishingOptions.DevHostEndpoint"/> is set (singletons: the producer clients keep their AMQP connections). Uses <see cref="TimeProvider.System"/> unless a TimeProvider is already registered.
    /// </summary>
    /// <param name="services">The app's services.</param>
    /// <param name="configuration">The app's configuration (the <c>Billing:Publishing</c> section).</param>
    /// <param name="factShards">The fact table's shards per payer, read from the storage options, so both agree on one value.</param>
    public static IServiceCollection AddUsagePublishing(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, int> factShards)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(factShards);
        services.AddValidatedOptions<PublishingOptions, PublishingOptionsValidator>(configuration, PublishingOptions.Section);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new UsagePartitioner(sp.GetRequiredService<IOptions<PublishingOptions>>().Value.HotPayers, factShards(sp)));
        services.TryAddSingleton<IUsagePublisher>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<PublishingOptions>>().Value;
            if (options.DevHostEndpoint is { } devHost)
            {
                // Local runs: the DevHost's hubs; one client for the app's lifetime (the container disposes it with the publisher).
                var http = new HttpClient { BaseAddress = devHost, Timeout = Timeout.InfiniteTimeSpan };
                return new DevHostUsagePublisher(http, options, sp.GetRequiredService<ILogger<DevHostUsagePublisher>>());
            }

            return EventHubsUsagePublisher.Create(options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EventHubsUsagePublisher>>());
        });
        return services;
    }
}
