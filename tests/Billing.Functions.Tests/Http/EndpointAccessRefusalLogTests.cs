using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Billing.Functions.Tests.Http;

/// <summary>
/// A key whose partner row is missing or cannot be read, sent again and again to a route behind
/// <see cref="EndpointAccess.RequireRoles(RouteHandlerBuilder, string, PartnerRole[])"/> on an app built in-process over
/// Azurite: each request is refused the same way, and the log hears of it once per refusal read from storage, not once
/// per request (a caller holding such a key could otherwise fill the log at its request rate).
/// </summary>
[Collection(AzuriteCollection.Name)]
public class EndpointAccessRefusalLogTests(AzuriteFixture azurite)
{
    private const string Key = "k-carrier-broken-1";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RequireRoles_RequestsWithAKeyWhosePartnerRowIsGoneOrUnreadable_LoggedOncePerRefusalReadFromStorage(bool removed)
    {
        var tables = await azurite.NewTablesAsync();
        await new PartnerStore(tables).UpsertAsync(new PartnerRegistration(new Partner("carrier-broken", PartnerRole.Carrier, "carrier-standard-v1"), Key), CancellationToken.None);
        if (removed)
        {
            await tables.Partners.DeleteEntityAsync("p", "carrier-broken", ETag.All); // as someone with storage access could; its audit trail stays
        }
        else
        {
            await tables.Partners.UpdateEntityAsync(new TableEntity("p", "carrier-broken") { ["Role"] = "overlord" }, ETag.All, TableUpdateMode.Merge);
        }

        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 20, 10, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new PartnerOptions());
        var logs = new ListLoggerProvider();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddProvider(logs);
        builder.Services.AddSingleton(sp => new PartnerDirectory(new PartnerStore(tables), options, clock, sp.GetRequiredService<ILogger<PartnerDirectory>>()));
        await using var app = builder.Build();
        app.MapGet("/api/v1/probe", () => "ok").RequireRoles("carriers only", PartnerRole.Carrier);
        app.UseRouting();
        app.UseEndpoints(_ => { });
        var route = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().Single();

        for (int i = 0; i < 5; i++)
        {
            var (status, type) = await SendAsync(app.Services, route);
            Assert.Equal((500, ApiProblem.StorageIntegrityType), (status, type));
        }

        var logged = Warnings(logs);
        clock.Advance(options.Value.CacheTtl); // the cached refusal expires: the next request reads storage again
        await SendAsync(app.Services, route);

        Assert.Contains(removed ? "is missing" : "overlord", Assert.Single(logged).Message, StringComparison.Ordinal); // before: 5, one per request
        Assert.Equal(2, Warnings(logs).Count);
    }

    private static List<LogEntry> Warnings(ListLoggerProvider logs) => [.. logs.Entries.Select(e => e.Entry).Where(e => e.Level >= LogLevel.Warning)];

    /// <summary>One GET of the route with the key, as the host would run it; its status and problem type.</summary>
    private static async Task<(int Status, string? Type)> SendAsync(IServiceProvider services, RouteEndpoint route)
    {
        await using var scope = services.CreateAsyncScope();
        var http = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        http.Request.Method = "GET";
        http.Request.Path = "/api/v1/probe";
        http.Request.Headers[PartnerDirectory.ApiKeyHeader] = Key;
        using var body = new MemoryStream();
        http.Response.Body = body;
        await route.RequestDelegate!(http);
        return (http.Response.StatusCode, body.Length == 0 ? null : JsonNode.Parse(body.ToArray())?["type"]?.GetValue<string>());
    }
}
