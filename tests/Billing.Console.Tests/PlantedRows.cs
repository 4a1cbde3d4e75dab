namespace Billing.WebConsole.Tests;

/// <summary>Rows an insider writes into the platform's storage; disposing deletes each, so the other console tests see the untouched platform.</summary>
public static class PlantedRows
{
    public static TableClient Table(ConsoleFixture fixture, string name) => new(fixture.Platform.ConnectionString, fixture.Platform.TablePrefix + name);

    public static async Task<IAsyncDisposable> PlantAsync(TableClient table, TableEntity row)
    {
        await table.UpsertEntityAsync(row, TableUpdateMode.Replace);
        return new Planted(() => table.DeleteEntityAsync(row.PartitionKey, row.RowKey));
    }

    private sealed class Planted(Func<Task> remove) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await remove();
    }
}
