using Billing.Functions;

var builder = WebApplication.CreateSlimBuilder(args);
if (BillingStartup.TryBuild(builder, Console.Error) is not { } app)
{
    return 1;
}

app.MapBillingFunctions();
if (!await BillingStartup.TryInitializeAsync(app, Console.Error, app.Lifetime.ApplicationStopping))
{
    return 1;
}

await app.RunAsync();
return 0;
