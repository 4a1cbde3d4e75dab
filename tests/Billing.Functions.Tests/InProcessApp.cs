using Microsoft.AspNetCore.Routing;

namespace Billing.Functions.Tests;

/// <summary>The function app built in-process and mapped, never started: what its endpoints and its OpenAPI document are.</summary>
public static class InProcessApp
{
    public static WebApplication Build()
    {
        // The executable's name, as when the host runs it (the OpenAPI document's default tag is the application name).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "Billing.Functions" });
        builder.AddBillingFunctions();
        var app = builder.Build();
        app.MapBillingFunctions();
        // What starting the app does to its routes: registered with routing, where the API explorer (OpenAPI) reads them.
        app.UseRouting();
        app.UseEndpoints(_ => { });
        return app;
    }

    /// <summary>Every route the app maps (not the fallback, which answers every method), with its metadata.</summary>
    public static IReadOnlyList<RouteEndpoint> Routes()
    {
        using var app = Build();
        return [.. ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>() is not null)];
    }
}
