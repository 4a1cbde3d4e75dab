using Billing.Application.Ingestion;
using Billing.Application.Usage;
using Billing.Domain.Events;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Billing.Application.Metering;

public static class MeteringServiceCollectionExtensions
{
    /// <summary>
    /// Usage in and out: event validation, ingestion, metering and usage queries. No options of its own yet; needs the
    /// storage and partners modules and a price catalog (<see cref="Billing.Domain.Partners.IPriceCatalog"/>).
    /// </summary>
    public static IServiceCollection AddMetering(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<UsageEventValidator>();
        services.TryAddSingleton<UsageIngestion>();
        services.TryAddSingleton<MeteringService>();
        services.TryAddSingleton<UsageReader>();
        services.TryAddSingleton<Rollups.RollupMaintenance>();
        services.TryAddSingleton<UsageQuery>();
        return services;
    }
}
