using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Billing.Cli.Tests;

/// <summary>A tiny loopback HTTP server answering with whatever the test says, recording every request.</summary>
public sealed class StubServer : IAsyncDisposable
{
    private readonly WebApplication app;

    public sealed record Recorded(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, string Body);

    public ConcurrentQueue<Recorded> Requests { get; } = new();

    public string Url { get; private set; } = "";

    private StubServer(Func<Recorded, int, (int Status, string ContentType, string Body)> respond, IReadOnlyDictionary<string, string>? headers)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.Run(async http =>
        {
            using var reader = new StreamReader(http.Request.Body);
            string body = await reader.ReadToEndAsync();
            var recorded = new Recorded(
                http.Request.Method,
                http.Request.Path + http.Request.QueryString,
                http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body);
            Requests.Enqueue(recorded);
            var (status, contentType, text) = respond(recorded, Requests.Count);
            http.Response.StatusCode = status;
            http.Response.ContentType = contentType;
            foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            {
                http.Response.Headers[name] = value;
            }

            await http.Response.WriteAsync(text);
        });
    }

    /// <param name="respond">(request, 1-based request number) → answer.</param>
    /// <param name="headers">Extra headers on every answer (e.g. Retry-After).</param>
    public static async Task<StubServer> StartAsync(Func<Recorded, int, (int Status, string ContentType, string Body)> respond, IReadOnlyDictionary<string, string>? headers = null)
    {
        var server = new StubServer(respond, headers);
        await server.app.StartAsync();
        server.Url = server.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return server;
    }

    /// <summary>Answers by path (without query); unknown paths get 404 problem+json.</summary>
    public static Task<StubServer> RoutesAsync(IReadOnlyDictionary<string, (int Status, string Body)> routes) =>
        StartAsync((r, _) =>
        {
            string path = r.PathAndQuery.Split('?')[0];
            return routes.TryGetValue(r.Method + " " + path, out var answer)
                ? (answer.Status, answer.Status >= 400 ? "application/problem+json" : "application/json", answer.Body)
                : (404, "application/problem+json", """{"title":"Not found","status":404,"detail":"no such route"}""");
        });

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
