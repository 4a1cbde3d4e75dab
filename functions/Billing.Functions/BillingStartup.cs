namespace Billing.Functions;

/// <summary>Start-up as the executable runs it: bad configuration stops it with one line naming the problem.</summary>
public static class BillingStartup
{
    /// <summary>
    /// Composes the app and validates its settings, price plans and event type definitions; null, with one line written
    /// to <paramref name="error"/>, when any of them is invalid, instead of a stack trace or a failure on the first request.
    /// </summary>
    public static WebApplication? TryBuild(WebApplicationBuilder builder, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(error);
        WebApplication? app = null;
        try
        {
            builder.AddBillingFunctions();
            app = builder.Build();
            BillingFunctionsApp.ValidateSettings(app.Services);
            return app;
        }
        catch (Exception ex) when (IsBadConfiguration(ex))
        {
            (app as IDisposable)?.Dispose(); // explicit on WebApplication
            error.WriteLine($"Billing.Functions cannot start: {ex.Message}");
            return null;
        }
    }

    /// <summary>
    /// Prepares storage and checks it against the settings before the app serves (<see cref="StartupInitializer"/>): false,
    /// with one line written to <paramref name="error"/>, when the storage refuses this configuration (another fact shard
    /// count than the one it records, or a record this platform did not write). Storage that stays unreachable throws, and
    /// the host restarts the handler: it never serves with the count unverified.
    /// </summary>
    public static async Task<bool> TryInitializeAsync(WebApplication app, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            await app.Services.GetRequiredService<StartupInitializer>().InitializeAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is FactShardsMismatchException or InvalidDataException)
        {
            await error.WriteLineAsync($"Billing.Functions cannot start: {ex.Message}".AsMemory(), cancellationToken).ConfigureAwait(false);
            return false;
        }
    }

    // A plan and an event type definition are both JSON files validated at start (JsonFileValidationException).
    private static bool IsBadConfiguration(Exception ex) =>
        ex is OptionsValidationException or InvalidOperationException or Billing.Domain.Definitions.JsonFileValidationException;
}
