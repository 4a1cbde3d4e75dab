using System.Net;
using Billing.Domain.Pricing;
using Billing.Functions.AnchorLedger;
using Billing.Functions.BurnExecutorTimer;
using Billing.Functions.LedgerBalances;
using Billing.Functions.LedgerProof;
using Billing.Functions.AcknowledgeFinding;
using Billing.Functions.ReconcileLedger;
using Billing.Functions.VerifyLedger;
using Billing.Functions.VerifyRollups;
using Billing.Functions.RebuildRollups;
using Billing.Functions.ClosePeriod;
using Billing.Functions.ClosePeriods;
using Billing.Functions.GetInvoice;
using Billing.Functions.IngestUsage;
using Billing.Functions.GetCaller;
using Billing.Functions.Health;
using Billing.Functions.WebConsole;
using Billing.Functions.ListInvoices;
using Billing.Functions.MeterCarrierOffload;
using Billing.Functions.MeterComputeUsage;
using Billing.Functions.MeterDeclaredUsage;
using Billing.Domain.Definitions;
using Billing.Functions.ListBurns;
using Billing.Functions.ReleaseBurn;
using Billing.Functions.CreatePartner;
using Billing.Functions.GetPartner;
using Billing.Functions.GetQuarantinedEvent;
using Billing.Functions.ListAudit;
using Billing.Functions.ListQuarantine;
using Billing.Functions.ListPartners;
using Billing.Functions.ReplayQuarantinedEvent;
using Billing.Functions.PartnerAudit;
using Billing.Functions.RotatePartnerKey;
using Billing.Functions.UpdatePartner;
using Billing.Functions.VerifyAudit;
using Billing.Functions.VerifyPartnerAudit;
using Billing.Functions.QueryUsage;
using Billing.Functions.StripeWebhook;
using Billing.Solana.Rpc;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Billing.Functions;

/// <summary>Composition root, shared by the executable and the tests that host the app in-process.</summary>
public static class BillingFunctionsApp
{
    public static WebApplicationBuilder AddBillingFunctions(this WebApplicationBuilder builder)
    {
        // The Functions host tells a custom handler where to listen; loopback only, the host is the only caller.
        string portText = Environment.GetEnvironmentVariable("FUNCTIONS_CUSTOMHANDLER_PORT") ?? builder.Configuration["FUNCTIONS_CUSTOMHANDLER_PORT"] ?? "7072";
        if (!int.TryParse(portText, out int port) || port is < 0 or > 65535)
        {
            throw new InvalidOperationException($"FUNCTIONS_CUSTOMHANDLER_PORT '{portText}' is not a port number.");
        }

        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = HandlerLimits.MaxMeteringInvocationBytes; // any batch host.json lets the host deliver
        });

        // Per-request framework logs add nothing the host does not already record.
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Azure.Core", LogLevel.Warning);

        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        AddTelemetry(builder);
        // Ingest, metering, usage, invoicing, partners, storage (each module binds and validates its own options).
        services.AddBillingStorage(builder.Configuration);
        services.AddPartners(builder.Configuration);
        // Billing:Meters:Directory only for tests and odd layouts: the definitions ship beside the app, like the plans.
        string metersDirectory = builder.Configuration["Billing:Meters:Directory"] is { Length: > 0 } configured ? configured : Path.Combine(AppContext.BaseDirectory, "meters");
        services.AddSingleton(_ => LoadDefinitions(metersDirectory));
        services.AddSingleton(sp => sp.GetRequiredService<EventDefinitions>().Meters);
        services.AddSingleton(sp => LoadPlans(Path.Combine(AppContext.BaseDirectory, "plans"), sp.GetRequiredService<MeterCatalog>()));
        services.AddSingleton<IPriceCatalog>(sp => sp.GetRequiredService<PlanCatalog>());
        services.AddMetering(builder.Configuration);
        services.AddInvoicing<LedgerRecorder>(builder.Configuration); // the ledger books an invoice before Stripe sees it
        services.AddSingleton<StartupInitializer>();
        services.AddSingleton<IngestUsageFunction>();
        services.AddSingleton<MeterCarrierOffloadFunction>();
        services.AddSingleton<MeterComputeUsageFunction>();
        services.AddSingleton<MeterDeclaredUsageFunction>();
        services.AddSingleton<QueryUsageFunction>();
        services.AddSingleton<ClosePeriodFunction>();
        services.AddSingleton<ClosePeriodsFunction>();
        services.AddSingleton<ListInvoicesFunction>();
        services.AddSingleton<GetInvoiceFunction>();
        services.AddSingleton<ReplayQuarantinedEventFunction>();

        // Payments, burns, Solana and the ledger (each module binds and validates its own options).
        services.AddBurns(builder.Configuration);
        services.AddLedger(builder.Configuration);
        services.AddPaymentProcessing(builder.Configuration);
        services.AddSingleton<AnchorLedgerFunction>();
        services.AddSingleton<StripeWebhookFunction>();
        services.AddSingleton<BurnExecutorFunction>();
        services.AddBillingOpenApi();
        services.AddWebConsole(builder.Configuration);
        services.AddSingleton<ConsoleFunction>();
        return builder;
    }

    /// <summary>
    /// OpenTelemetry: Application Insights when its connection string is set (with the managed identity when the
    /// authentication string asks for Entra ID, see <see cref="AppInsightsExport"/>); the console when asked (local runs).
    /// </summary>
    private static void AddTelemetry(WebApplicationBuilder builder)
    {
        var appInsights = AppInsightsExport.From(builder.Configuration);
        bool console = builder.Configuration.GetValue("Billing:Telemetry:Console", false);
        if (appInsights is null && !console)
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("billing-functions"))
            .WithMetrics(m =>
            {
                m.AddMeter(BillingTelemetry.Name);
                if (appInsights is not null)
                {
                    m.AddAzureMonitorMetricExporter(o => o.ConnectionString = appInsights.ConnectionString, appInsights.Credential);
                }

                if (console)
                {
                    m.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000);
                }
            })
            .WithTracing(t =>
            {
                t.AddSource(BillingTelemetry.Name);
                if (appInsights is not null)
                {
                    t.AddAzureMonitorTraceExporter(o => o.ConnectionString = appInsights.ConnectionString, appInsights.Credential);
                }

                if (console)
                {
                    t.AddConsoleExporter();
                }
            });
    }

    /// <summary>Validates every module's options (<see cref="IStartupValidator"/>), resolves the price oracle and the plan catalog, and checks the timers' schedule settings, so bad configuration fails (or warns) at start.</summary>
    public static void ValidateSettings(IServiceProvider services)
    {
        // Every module's options, each registered with ValidateOnStart beside its validator: no hand-kept list here that a
        // new module's options can miss. Several bad ones come as an AggregateException: the first is named, as one line.
        try
        {
            services.GetRequiredService<IStartupValidator>().Validate();
        }
        catch (AggregateException all) when (all.InnerExceptions is [OptionsValidationException first, ..])
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }

        _ = services.GetRequiredService<IPriceOracle>(); // chosen now, so a price feed with no price band is warned of at start
        _ = services.GetRequiredService<EventDefinitions>();
        _ = services.GetRequiredService<PlanCatalog>();
        if (HostProtocol.TimerSchedules.Failures(services.GetRequiredService<IConfiguration>(), AppContext.BaseDirectory) is { Count: > 0 } schedules)
        {
            throw new OptionsValidationException("timer schedules", typeof(HostProtocol.TimerSchedules), schedules);
        }
    }

    /// <summary>
    /// Loads and validates every event type definition (<c>meters/*.json</c>); a bad one stops start-up with the file,
    /// field and reason. No folder: no declared types.
    /// </summary>
    public static EventDefinitions LoadDefinitions(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return EventDefinitions.None;
        }

        var files = Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal)
            .Select(f => KeyValuePair.Create(Path.GetFileName(f), File.ReadAllText(f)));
        return EventDefinitions.Load(files);
    }

    /// <summary>Loads and validates every plan file; a bad plan stops start-up with the file, field and reason.</summary>
    /// <param name="directory">The plans folder.</param>
    /// <param name="meters">The known meters; null: the built-in ones and those declared in the sibling <c>meters</c> folder.</param>
    public static PlanCatalog LoadPlans(string directory, MeterCatalog? meters = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new InvalidOperationException($"Price plan folder '{directory}' does not exist.");
        }

        var files = Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal)
            .Select(f => KeyValuePair.Create(Path.GetFileName(f), File.ReadAllText(f)));
        // Without a catalog: the meters declared beside the plans (the app's layout), so a plan's defined meters are known.
        meters ??= LoadDefinitions(Path.Combine(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(directory)) ?? ".", "meters")).Meters;
        return PlanCatalog.Load(files, meters.Dimensions);
    }

    public static WebApplication MapBillingFunctions(this WebApplication app)
    {
        app.UseApiResponseHeaders(); // first, so the answers of UnhandledErrors carry them too
        app.UseUnhandledErrors(); // before the routes, so it wraps every API endpoint
        app.UseRawRouteValues(); // after routing (added first by the host builder), before the endpoint binds its values

        // Invocations (trigger payloads wrapped by the host) arrive at /{FunctionName}.
        IngestUsageFunction.Map(app);
        InvocationEndpoint.Map<MeterCarrierOffloadFunction>(app);
        InvocationEndpoint.Map<MeterComputeUsageFunction>(app);
        InvocationEndpoint.Map<MeterDeclaredUsageFunction>(app);
        InvocationEndpoint.Map<ClosePeriodsFunction>(app);
        InvocationEndpoint.Map<BurnExecutorFunction>(app);
        InvocationEndpoint.Map<AnchorLedgerFunction>(app);

        // HTTP-only functions are forwarded as the original request (enableForwardingHttpRequest).
        HealthFunction.Map(app);
        QueryUsageFunction.Map(app);
        ClosePeriodFunction.Map(app);
        ListInvoicesFunction.Map(app);
        GetInvoiceFunction.Map(app);
        StripeWebhookFunction.Map(app);
        ListBurnsFunction.Map(app);
        ReleaseBurnFunction.Map(app);
        VerifyLedgerFunction.Map(app);
        ReconcileLedgerFunction.Map(app);
        AcknowledgeFindingFunction.Map(app);
        LedgerBalancesFunction.Map(app);
        LedgerEntriesFunction.Map(app);
        LedgerProofFunction.Map(app);
        VerifyRollupsFunction.Map(app);
        RebuildRollupsFunction.Map(app);
        ListPartnersFunction.Map(app);
        CreatePartnerFunction.Map(app);
        GetPartnerFunction.Map(app);
        UpdatePartnerFunction.Map(app);
        RotatePartnerKeyFunction.Map(app);
        PartnerAuditFunction.Map(app);
        ListAuditFunction.Map(app);
        VerifyAuditFunction.Map(app);
        VerifyPartnerAuditFunction.Map(app);
        ListQuarantineFunction.Map(app);
        GetQuarantinedEventFunction.Map(app);
        ReplayQuarantinedEventFunction.Map(app);
        OpenApiFunction.Map(app);
        GetCallerFunction.Map(app);
        ConsoleFunction.Map(app);

        app.MapFallbackAnswer(); // 405 with Allow for a path mapped under other methods, else 404
        return app;
    }
}
