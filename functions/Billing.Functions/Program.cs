using Billing.Functions;

var builder = WebApplication.CreateSlimBuilder(args);
if (BillingStartup.TryBuild(builder, Console.Error) is not { } app)
{
    return 1;
}

app.MapBillingFunctions();
await app.Services.GetRequiredService<StartupInitializer>().InitializeAsync(app.Lifetime.ApplicationStopping);
await app.RunAsync();
return 0;
