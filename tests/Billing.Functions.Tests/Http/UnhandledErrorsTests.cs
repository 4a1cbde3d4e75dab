using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Billing.Functions.Tests.Http;

/// <summary>An exception no route caught, on a real Kestrel server: problem+json, 503 with Retry-After when retrying helps, never the exception's message, and still nosniff.</summary>
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
        // Kestrel's default body rate (240 bytes/s after a 5 s grace), with the shortest grace it takes, for a quick test.
        builder.WebHost.ConfigureKestrel(o => o.Limits.MinRequestBodyDataRate = new MinDataRate(240, TimeSpan.FromSeconds(2)));
        app = builder.Build();
        app.UseApiResponseHeaders(); // the app's order (BillingFunctionsApp.MapBillingFunctions)
        app.UseUnhandledErrors();
        app.MapGet("/api/throttled", (Func<string>)(() => throw new RequestFailedException(503, Secret)));
        app.MapGet("/api/refused", (Func<string>)(() => throw new RequestFailedException(400, Secret)));
        app.MapGet("/api/bug", (Func<string>)(() => throw new InvalidOperationException(Secret)));
        app.MapGet("/api/contended", (Func<string>)(() => throw new RowContentionException("invoice INV-x", 5)));
        app.MapGet("/api/unreadable", (Func<string>)(() => throw new InvalidDataException(Secret)));
        app.MapGet("/api/row-missing", (Func<string>)(() => throw new PartnerRowMissingException("tenant-lab")));
        app.MapPost("/api/read", async (HttpContext http) => await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted));
        app.MapGet("/invocation", (Func<string>)(() => throw new InvalidOperationException(Secret)));
        await app.StartAsync();
        client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
    }

    public async Task DisposeAsync()
    {
        client.Dispose();
        await app.DisposeAsync();
    }

    /// <summary>
    /// GETs <paramref name="path"/> and checks what every failure the API answers must be: <paramref name="status"/> as
    /// problem+json, without the exception's message. Returns the answer's Retry-After and its problem document.
    /// </summary>
    private async Task<(RetryConditionHeaderValue? RetryAfter, JsonNode Problem)> ProblemAsync(string path, HttpStatusCode status)
    {
        using var response = await client.GetAsync(path);
        string body = await response.Content.ReadAsStringAsync();

        Assert.Equal((status, "application/problem+json"), (response.StatusCode, response.Content.Headers.ContentType?.MediaType));
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
        Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options")); // a failure's answer keeps the headers set before it
        return (response.Headers.RetryAfter, JsonNode.Parse(body)!);
    }

    [Theory]
    [InlineData("/api/throttled")]
    [InlineData("/api/contended")]
    public async Task Request_TransientFailure_Answers503ProblemWithRetryAfter(string path)
    {
        var (retryAfter, problem) = await ProblemAsync(path, HttpStatusCode.ServiceUnavailable);

        Assert.Equal(TimeSpan.FromSeconds(UnhandledErrors.RetryAfterSeconds), retryAfter?.Delta);
        Assert.Equal("Try again", problem["title"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/api/refused")]
    [InlineData("/api/bug")]
    public async Task Request_DeterministicFailure_Answers500ProblemNamingTheTraceOnly(string path)
    {
        var (retryAfter, problem) = await ProblemAsync(path, HttpStatusCode.InternalServerError);

        Assert.Null(retryAfter);
        Assert.Contains("trace", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/unreadable")]
    [InlineData("/api/row-missing")]
    public async Task Request_StoredDataUnreadableOrMissing_Answers500StorageIntegrityNamingTheTraceOnly(string path)
    {
        // Before: 500 typed …/problems/500, like an unexpected failure, which the CLI sent 5 times.
        var (retryAfter, problem) = await ProblemAsync(path, HttpStatusCode.InternalServerError);

        Assert.Null(retryAfter);
        Assert.Equal(ApiProblem.StorageIntegrityType, problem["type"]!.GetValue<string>());
        Assert.Equal("Stored data unreadable", problem["title"]!.GetValue<string>());
        Assert.Contains("trace", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("tenant-lab", problem["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_BodyStalledMidway_Answers408ProblemNot500()
    {
        // A client that stops sending its body (a partner's stalled upload) fails the read with Kestrel's
        // BadHttpRequestException: its own mistake, answered and logged as a server failure (500) before.
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, client.BaseAddress!.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync("POST /api/read HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"a\":"u8.ToArray());

        using var reader = new StreamReader(stream, Encoding.ASCII);
        string answer = await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.StartsWith("HTTP/1.1 408 ", answer, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/problem+json", answer, StringComparison.Ordinal);
        Assert.Contains("\"status\":408", answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_OutsideTheApi_LeftToTheHost()
    {
        using var response = await client.GetAsync("/invocation");

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.NotEqual("application/problem+json", response.Content.Headers.ContentType?.MediaType); // the host's own failure handling applies to invocations
    }
}
