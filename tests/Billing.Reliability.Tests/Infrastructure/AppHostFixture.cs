namespace Billing.Reliability.Tests.Infrastructure;

/// <summary>
/// The platform (an <see cref="AppHost"/>) for a collection: on the test run's in-memory Azurite (<see cref="AzuriteFixture"/>:
/// the one <c>./run test</c> starts, or one of its own when run alone) or on storage the subclass starts instead, with the
/// shared localnet, under a table prefix of its own; stopped in reverse order.
/// </summary>
public abstract class AppHostFixture : IAsyncLifetime
{
    private readonly AzuriteFixture azurite = new();

    public LocalnetFixture Localnet { get; } = new();

    public AppHost App { get; private set; } = null!;

    public string TablePrefix { get; } = AzuriteFixture.UniquePrefix();

    public async Task InitializeAsync()
    {
        string connectionString = await StartStorageAsync();
        await Localnet.InitializeAsync();
        var settings = AppHost.BaseSettings(connectionString, TablePrefix, Localnet.InfoFile);
        Configure(settings);
        App = await AppHost.StartAsync(connectionString, TablePrefix, settings);
    }

    public async Task DisposeAsync()
    {
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        await Localnet.DisposeAsync();
        await StopStorageAsync();
    }

    /// <summary>Starts the storage and returns its connection string.</summary>
    protected virtual async Task<string> StartStorageAsync()
    {
        await azurite.InitializeAsync();
        return azurite.ConnectionString;
    }

    protected virtual Task StopStorageAsync() => azurite.DisposeAsync();

    /// <summary>Adds the fixture's partners (and any other settings) to the base settings.</summary>
    protected abstract void Configure(Dictionary<string, string> settings);
}
