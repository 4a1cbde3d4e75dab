using Azure.Core;
using Azure.Identity;

namespace Billing.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Table storage: <see cref="StorageOptions"/> bound from <c>Billing:Storage</c> and validated at start, one
    /// <see cref="BillingTables"/> (a connection string such as Azurite's, or the table endpoint with a managed identity),
    /// and the usage, quarantine, partner and invoice stores.
    /// </summary>
    public static IServiceCollection AddBillingStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StorageOptions, StorageOptionsValidator>(configuration, StorageOptions.Section);
        services.TryAddSingleton(sp => new BillingTables(CreateTableService(sp.GetRequiredService<IOptions<StorageOptions>>().Value), sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        services.TryAddSingleton<FactStore>();
        services.TryAddSingleton<QuarantineStore>();
        services.TryAddSingleton<PartnerStore>();
        services.TryAddSingleton<InvoiceStore>();
        return services;
    }

    private static TableServiceClient CreateTableService(StorageOptions options)
    {
        var clientOptions = new TableClientOptions();
        clientOptions.Retry.MaxRetries = 5;
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
        clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(5);
        clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
        return !string.IsNullOrWhiteSpace(options.ConnectionString)
            ? new TableServiceClient(options.ConnectionString, clientOptions)
            : new TableServiceClient(options.TableServiceUri!, new DefaultAzureCredential(), clientOptions);
    }
}
