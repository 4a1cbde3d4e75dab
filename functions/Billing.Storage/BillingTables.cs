using Azure.Data.Tables;

namespace Billing.Storage;

/// <summary>The platform's tables, created once at start.</summary>
public sealed class BillingTables
{
    public BillingTables(TableServiceClient service, StorageOptions options)
    {
        Service = service;
        Options = options;
        Facts = service.GetTableClient(options.TablePrefix + "facts");
        Quarantine = service.GetTableClient(options.TablePrefix + "quarantine");
        Partners = service.GetTableClient(options.TablePrefix + "partners");
        Invoices = service.GetTableClient(options.TablePrefix + "invoices");
    }

    public TableServiceClient Service { get; }

    public StorageOptions Options { get; }

    public TableClient Facts { get; }

    public TableClient Quarantine { get; }

    public TableClient Partners { get; }

    public TableClient Invoices { get; }

    public TableClient Table(string name) => Service.GetTableClient(Options.TablePrefix + name);

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (var table in new[] { Facts, Quarantine, Partners, Invoices })
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
