using Azure;
using Billing.Functions.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Billing.Functions.Tests.Http;

/// <summary>An exception no route caught, on a real Kestrel server: problem+json, 503 with Retry-After when retrying helps, never the exception's message.</summary>
public sealed class UnhandledErrorsTests : IAsyncLifetime
{
    private const string Secret = "row p|tenant-lab holds key k-9f3a"; // stands for what an exception message may reveal
    private WebApplication app = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        int port = FreePort.Find();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        app = builder.Build();
        app.UseUnhandledErrors();
        app.MapGet("/api/throttled", (Func<string>)(() => throw new RequestFailedException(503, Secret)));
        app.MapGet("/api/refused", (Func<string>)(() => throw new RequestFailedException(400, Secret)));
        app.MapGet("/api/bug", (Func<string>)(() => throw new InvalidOperationException(Secret)));
        app.MapGet("/api/contended", (Func<string>)(() => throw new RowContentionException("invoice INV-x", 5)));
        app.MapGet("/invocation", (Func<string>)(() => throw new InvalidOperationException(Secret)));
        await app.StartAsync();
        client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await app.DisposeAsync();
    }

    [Theory]
    [InlineData("/api/throttled")]
    [InlineData("/api/contended")]
    public async Task Request_TransientFailure_Answers503ProblemWithRetryAfter(string path)
    {
        using var response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal((HttpStatusCode.ServiceUnavailable, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.Equal(TimeSpan.FromSeconds(UnhandledErrors.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
        Assert.Equal("Try again", JsonNode.Parse(body)!["title"]!.GetValue<string>());
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/refused")]
    [InlineData("/api/bug")]
    public async Task Request_DeterministicFailure_Answers500ProblemNamingTheTraceOnly(string path)
    {
        using var response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal((HttpStatusCode.InternalServerError, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.Null(response.Headers.RetryAfter);
        Assert.Contains("trace", JsonNode.Parse(body)!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_OutsideTheApi_LeftToTheHost()
    {
        using var response = await client.GetAsync("/invocation");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.NotEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType); // the host's own failure handling applies to invocations
    }
}
