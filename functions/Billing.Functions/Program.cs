using Billing.Functions;

var builder = WebApplication.CreateSlimBuilder(args);
WebApplication app;
try
{
    builder.AddBillingFunctions();
    app = builder.Build();
    BillingFunctionsApp.ValidateSettings(app.Services);
}
catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException or Billing.Domain.Pricing.PlanValidationException)
{
    // Bad settings or plans stop start-up with one clear message instead of failing on the first request.
    Console.Error.WriteLine($"Billing.Functions cannot start: {ex.Message}");
    return 1;
}

app.MapBillingFunctions();
await app.Services.GetRequiredService<StartupInitializer>().InitializeAsync(app.Lifetime.ApplicationStopping);
await app.RunAsync();
return 0;
