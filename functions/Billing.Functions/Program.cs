using System.Net;
using Azure.Data.Tables;
using Billing.Domain.Events;
using Billing.Domain.Partners;
using Billing.Domain.Pricing;
using Billing.Functions.HostProtocol;
using Billing.Functions.Infrastructure;
using Billing.Functions.AnchorLedger;
using Billing.Functions.BurnExecutorTimer;
using Billing.Application.Burns;
using Billing.Application.Ledger;
using Billing.Application.Payments;
using Billing.Functions.LedgerBalances;
using Billing.Functions.LedgerEntriesHttp;
using Billing.Functions.LedgerProof;
using Billing.Functions.OpenApiHttp;
using Billing.Functions.ReconcileLedger;
using Billing.Functions.VerifyLedger;
using Billing.Solana.Configuration;
using Billing.Functions.ClosePeriod;
using Billing.Functions.ClosePeriods;
using Billing.Functions.GetInvoice;
using Billing.Functions.IngestUsage;
using Billing.Functions.Invoicing;
using Billing.Functions.ListInvoices;
using Billing.Functions.MeterCarrierOffload;
using Billing.Functions.MeterComputeUsage;
using Billing.Functions.Metering;
using Billing.Functions.ListBurns;
using Billing.Functions.QueryUsage;
using Billing.Functions.StripeWebhook;
using Billing.Payments;
using Billing.Solana.Rpc;
using Billing.Storage;
using Billing.Storage.Ledger;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Microsoft.Extensions.Options;

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
        services.AddOptions<StorageOptions>().Bind(builder.Configuration.GetSection(StorageOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();
        services.AddOptions<PartnerOptions>().Bind(builder.Configuration.GetSection(PartnerOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PartnerOptions>, PartnerOptionsValidator>();

        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<StorageOptions>>().Value;
            var clientOptions = new TableClientOptions();
            clientOptions.Retry.MaxRetries = 5;
            clientOptions.Retry.Mode = Azure.Core.RetryMode.Exponential;
            clientOptions.Retry.Delay = TimeSpan.FromMilliseconds(200);
            clientOptions.Retry.MaxDelay = TimeSpan.FromSeconds(5);
            clientOptions.Retry.NetworkTimeout = TimeSpan.FromSeconds(30);
            var service = !string.IsNullOrWhiteSpace(o.ConnectionString)
                ? new TableServiceClient(o.ConnectionString, clientOptions)
                : new TableServiceClient(o.TableServiceUri!, new Azure.Identity.DefaultAzureCredential(), clientOptions);
            return new BillingTables(service, o);
        });
        services.AddSingleton<FactStore>();
        services.AddSingleton<QuarantineStore>();
        services.AddSingleton<PartnerStore>();
        services.AddSingleton<PartnerDirectory>();
        services.AddSingleton<IPartnerDirectory>(sp => sp.GetRequiredService<PartnerDirectory>());
        services.AddSingleton(_ => LoadPlans(Path.Combine(AppContext.BaseDirectory, "plans")));
        services.AddSingleton<IPriceCatalog>(sp => sp.GetRequiredService<PlanCatalog>());
        services.AddSingleton<UsageEventValidator>();
        services.AddSingleton<UsageIngestion>();
        services.AddSingleton<MeteringService>();
        services.AddSingleton<StartupInitializer>();
        services.AddSingleton<IngestUsageFunction>();
        services.AddSingleton<MeterCarrierOffloadFunction>();
        services.AddSingleton<MeterComputeUsageFunction>();
        services.AddSingleton<QueryUsageFunction>();
        services.AddOptions<InvoicingOptions>().Bind(builder.Configuration.GetSection(InvoicingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<InvoicingOptions>, InvoicingOptionsValidator>();
        services.AddSingleton<InvoiceStore>();
        services.AddSingleton<PeriodCloser>();
        services.AddSingleton<ClosePeriodFunction>();
        services.AddSingleton<ClosePeriodsFunction>();
        services.AddSingleton<ListInvoicesFunction>();
        services.AddSingleton<GetInvoiceFunction>();

        // Payments, burns, Solana and the ledger (A2). Ledger first: an invoice is booked before it is sent to Stripe.
        services.AddBurns(builder.Configuration);
        services.AddLedger(builder.Configuration);
        services.AddPaymentProcessing(builder.Configuration);
        services.AddSingleton<IInvoiceFinalizedHandler, LedgerInvoiceFinalizedHandler>();
        services.AddSingleton<IInvoiceFinalizedHandler, StripeInvoiceFinalizedHandler>();
        services.AddSingleton<AnchorLedgerFunction>();
        services.AddSingleton<StripeWebhookFunction>();
        services.AddSingleton<BurnExecutorFunction>();
        services.AddBillingOpenApi();
        return builder;
    }

    /// <summary>OpenTelemetry: Application Insights when its connection string is set; the console when asked (local runs).</summary>
    private static void AddTelemetry(WebApplicationBuilder builder)
    {
        string? appInsights = builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"];
        bool console = builder.Configuration.GetValue("Billing:Telemetry:Console", false);
        if (string.IsNullOrWhiteSpace(appInsights) && !console)
        {
            return;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("billing-functions"))
            .WithMetrics(m =>
            {
                m.AddMeter(BillingTelemetry.Name);
                if (!string.IsNullOrWhiteSpace(appInsights))
                {
                    m.AddAzureMonitorMetricExporter(o => o.ConnectionString = appInsights);
                }

                if (console)
                {
                    m.AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 60_000);
                }
            })
            .WithTracing(t =>
            {
                t.AddSource(BillingTelemetry.Name);
                if (!string.IsNullOrWhiteSpace(appInsights))
                {
                    t.AddAzureMonitorTraceExporter(o => o.ConnectionString = appInsights);
                }

                if (console)
                {
                    t.AddConsoleExporter();
                }
            });
    }

    /// <summary>Resolves every validated option and the plan catalog, so bad configuration fails at start.</summary>
    public static void ValidateSettings(IServiceProvider services)
    {
        _ = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        _ = services.GetRequiredService<IOptions<PartnerOptions>>().Value;
        _ = services.GetRequiredService<IOptions<InvoicingOptions>>().Value;
        _ = services.GetRequiredService<IOptions<BurnOptions>>().Value;
        _ = services.GetRequiredService<IOptions<SolanaOptions>>().Value;
        _ = services.GetRequiredService<IOptions<Billing.Payments.StripeOptions>>().Value;
        _ = services.GetRequiredService<PlanCatalog>();
    }

    /// <summary>Loads and validates every plan file; a bad plan stops start-up with the file, field and reason.</summary>
    public static PlanCatalog LoadPlans(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new InvalidOperationException($"Price plan folder '{directory}' does not exist.");
        }

        var files = Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal)
            .Select(f => KeyValuePair.Create(Path.GetFileName(f), File.ReadAllText(f)));
        return PlanCatalog.Load(files);
    }

    public static WebApplication MapBillingFunctions(this WebApplication app)
    {
        // Invocations (trigger payloads wrapped by the host) arrive at /{FunctionName}.
        app.MapPost("/" + IngestUsageFunction.Name, (HttpRequest r, IngestUsageFunction f, CancellationToken ct) =>
            Invoke(r, (inv, c) => f.InvokeAsync(inv, c), ct, HandlerLimits.MaxIngestInvocationBytes, IngestUsageFunction.TooLarge));
        app.MapPost("/" + MeterCarrierOffloadFunction.Name, (HttpRequest r, MeterCarrierOffloadFunction f, CancellationToken ct) => Invoke(r, f.InvokeAsync, ct));
        app.MapPost("/" + ClosePeriodsFunction.Name, (HttpRequest r, ClosePeriodsFunction f, CancellationToken ct) => Invoke(r, f.InvokeAsync, ct));
        app.MapPost("/" + BurnExecutorFunction.Name, (HttpRequest r, BurnExecutorFunction f, CancellationToken ct) => Invoke(r, f.InvokeAsync, ct));
        app.MapPost("/" + AnchorLedgerFunction.Name, (HttpRequest r, AnchorLedgerFunction f, CancellationToken ct) => Invoke(r, f.InvokeAsync, ct));
        app.MapPost("/" + MeterComputeUsageFunction.Name, (HttpRequest r, MeterComputeUsageFunction f, CancellationToken ct) => Invoke(r, f.InvokeAsync, ct));

        // HTTP-only functions are forwarded as the original request (enableForwardingHttpRequest).
        app.MapGet("/api/health", () => Results.Text("{\"status\":\"ok\"}", "application/json"));
        app.MapGet("/api/v1/usage", (HttpRequest r, QueryUsageFunction f, CancellationToken ct) => f.InvokeAsync(r, ct));
        app.MapPost("/api/v1/periods/{period}/close", (HttpRequest r, string period, ClosePeriodFunction f, CancellationToken ct) => f.InvokeAsync(r, period, ct));
        app.MapGet("/api/v1/invoices", (HttpRequest r, ListInvoicesFunction f, CancellationToken ct) => f.InvokeAsync(r, ct));
        app.MapGet("/api/v1/invoices/{id}", (HttpRequest r, string id, GetInvoiceFunction f, CancellationToken ct) => f.InvokeAsync(r, id, ct));

        // Payments, burns and ledger routes (A2): each adapter maps its own route, roles included.
        StripeWebhookFunction.Map(app);
        ListBurnsFunction.Map(app);
        VerifyLedgerFunction.Map(app);
        ReconcileLedgerFunction.Map(app);
        LedgerBalancesFunction.Map(app);
        LedgerEntriesFunction.Map(app);
        LedgerProofFunction.Map(app);
        OpenApiFunction.Map(app);

        app.MapFallback((HttpContext c) => new Problem(404, "Not found", $"no route for {c.Request.Method} {c.Request.Path}").ToResult());
        return app;
    }

    private static async Task<IResult> Invoke(
        HttpRequest request,
        Func<InvocationRequest, CancellationToken, Task<InvocationResponse>> handler,
        CancellationToken cancellationToken,
        long maxBuffered = HandlerLimits.MaxMeteringInvocationBytes,
        Func<InvocationResponse>? tooLarge = null)
    {
        if (tooLarge is not null && request.HttpContext.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null; // read (and drop) whatever the host forwards, to answer it properly
        }

        using var buffer = new MemoryStream(request.ContentLength is > 0 and var n && n <= maxBuffered ? (int)n : 0);
        if (!await ReadBoundedAsync(request.Body, buffer, maxBuffered, cancellationToken).ConfigureAwait(false))
        {
            return tooLarge is null
                ? new Problem(413, "Payload too large", $"the invocation is larger than {maxBuffered} bytes").ToResult()
                : Results.Text(tooLarge().ToJson(), "application/json");
        }

        InvocationRequest invocation;
        try
        {
            invocation = InvocationRequest.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
        }
        catch (InvalidHostPayloadException ex)
        {
            return Problem.BadRequest(ex.Message).ToResult();
        }

        using (invocation)
        {
            try
            {
                var response = await handler(invocation, cancellationToken).ConfigureAwait(false);
                return Results.Text(response.ToJson(), "application/json");
            }
            catch (InvalidHostPayloadException ex)
            {
                return Problem.BadRequest(ex.Message).ToResult();
            }
        }
    }

    /// <summary>Copies the body into <paramref name="buffer"/> up to <paramref name="maxBytes"/>; past that, reads the rest without keeping it and returns false.</summary>
    private static async Task<bool> ReadBoundedAsync(Stream body, MemoryStream buffer, long maxBytes, CancellationToken cancellationToken)
    {
        byte[] chunk = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            bool within = true;
            int read;
            while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (within && buffer.Length + read <= maxBytes)
                {
                    buffer.Write(chunk, 0, read);
                }
                else
                {
                    within = false;
                }
            }

            return within;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}

/// <summary>
/// Books a finalized invoice in the ledger before the Stripe handler runs (registration order). Goes away when the
/// period closer books through <see cref="ILedgerRecorder"/> explicitly.
/// </summary>
internal sealed class LedgerInvoiceFinalizedHandler(ILedgerRecorder ledger) : IInvoiceFinalizedHandler
{
    public async Task<Billing.Domain.Invoicing.Invoice> OnFinalizedAsync(Billing.Domain.Invoicing.Invoice invoice, CancellationToken cancellationToken)
    {
        await ledger.InvoiceFinalizedAsync(invoice, cancellationToken).ConfigureAwait(false);
        return invoice;
    }
}
