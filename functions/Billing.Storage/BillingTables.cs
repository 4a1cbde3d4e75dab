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
        Payments = service.GetTableClient(options.TablePrefix + "payments");
        Burns = service.GetTableClient(options.TablePrefix + "burns");
        Credits = service.GetTableClient(options.TablePrefix + "credits");
        Refunds = service.GetTableClient(options.TablePrefix + "refunds");
    }

    public TableServiceClient Service { get; }

    public StorageOptions Options { get; }

    public TableClient Facts { get; }

    public TableClient Quarantine { get; }

    public TableClient Partners { get; }

    public TableClient Invoices { get; }

    public TableClient Payments { get; }

    public TableClient Burns { get; }

    /// <summary>Stripe credit notes (<see cref="CreditNoteStore"/>).</summary>
    public TableClient Credits { get; }

    /// <summary>Stripe refunds by charge (<see cref="RefundStore"/>).</summary>
    public TableClient Refunds { get; }

    public TableClient Table(string name) => Service.GetTableClient(Options.TablePrefix + name);

    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        foreach (var table in new[] { Facts, Quarantine, Partners, Invoices, Payments, Burns, Credits, Refunds })
        {
            await table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
