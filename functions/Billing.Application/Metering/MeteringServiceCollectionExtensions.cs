using Billing.Application.Ingestion;

namespace Billing.Application.Metering;

public static class MeteringServiceCollectionExtensions
{
    /// <summary>
    /// Usage in and out: binds and validates <see cref="MeteringOptions"/> (<c>Billing:Metering</c>), event validation, ingestion with its publishing (<c>Billing:Publishing</c>, keyed like the fact
    /// shards of <see cref="StorageOptions.FactShards"/>), metering and usage queries. Needs the storage and partners
    /// modules and a price catalog (<see cref="Billing.Domain.Partners.IPriceCatalog"/>).
    /// </summary>
    public static IServiceCollection AddMetering(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddValidatedOptions<MeteringOptions, MeteringOptionsValidator>(configuration, MeteringOptions.Section);
        services.TryAddSingleton<MeteringLag>();
        services.TryAddSingleton<UsageEventValidator>();
        services.AddUsagePublishing(configuration, sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.FactShards);
        services.TryAddSingleton<UsageIngestion>();
        services.TryAddSingleton<MeteringService>();
        services.TryAddSingleton<QuarantineReplayer>();
        services.TryAddSingleton(sp => new UsageReader(sp.GetRequiredService<FactStore>(), sp.GetRequiredService<ILogger<UsageReader>>()));
        services.TryAddSingleton<Rollups.RollupMaintenance>();
        services.TryAddSingleton<UsageQuery>();
        return services;
    }
}
