namespace Billing.Cli.Tests.Api;

/// <summary>The retry rules of <see cref="ApiClient"/> (a Polly pipeline from <see cref="RetryPolicy"/>) against a loopback stub.</summary>
public sealed class ApiClientTests
{
    private static readonly TimeSpan BaseDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    private static async Task<(ApiResponse Response, InstantTimeProvider Clock)> SendAsync(StubServer server, HttpMethod method, int maxAttempts = 5)
    {
        var clock = new InstantTimeProvider();
        using var http = new HttpClient();
        var api = new ApiClient(http, server.Url, new RetryPolicy { MaxAttempts = maxAttempts, BaseDelay = BaseDelay, MaxDelay = MaxDelay, TimeProvider = clock });
        var response = await api.SendAsync(new ApiRequest(method, "/api/v1/usage", "k") { Body = method == HttpMethod.Post ? "[]" : null }, CancellationToken.None);
        return (response, clock);
    }

    private static (int, string, string) FailThenOk(int status, int n) =>
        n == 1 ? (status, "application/problem+json", $$"""{"status":{{status}}}""") : (200, "application/json", "{}");

    [Theory]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(502, true)]
    [InlineData(503, true)]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(403, false)]
    [InlineData(404, false)]
    [InlineData(409, false)]
    public async Task SendAsync_ErrorStatus_IsRetriedOnlyWhen429Or5xx(int status, bool retried)
    {
        await using var server = await StubServer.StartAsync((_, n) => FailThenOk(status, n));

        var (response, clock) = await SendAsync(server, HttpMethod.Get);

        Assert.Equal(retried ? 200 : status, response.Status);
        Assert.Equal(retried ? 2 : 1, server.Requests.Count);
        Assert.Equal(response.Attempts, server.Requests.Count);
        Assert.Equal(retried ? 1 : 0, clock.Waits.Count);
    }

    [Theory]
    [InlineData(500, "Partner record missing")]
    [InlineData(409, "Close record unreadable")]
    [InlineData(503, "Try again")] // the Stripe webhook's, for a row an event is decided from
    public async Task SendAsync_StoredDataCannotBeReadWhateverTheStatus_IsNotRetried(int status, string title)
    {
        // A row removed or changed outside the platform answers the same until someone repairs it.
        await using var server = await StubServer.StartAsync((_, _) => (status, "application/problem+json",
            $$"""{"type":"{{Billing.Contracts.Problems.ApiProblem.StorageIntegrityType}}","title":"{{title}}","status":{{status}},"detail":"d"}"""));

        var (response, clock) = await SendAsync(server, HttpMethod.Get);

        Assert.Equal(status, response.Status); // before (500): sent 5 times, waiting between
        Assert.Single(server.Requests);
        Assert.Empty(clock.Waits);
    }

    [Fact]
    public async Task SendAsync_PostOfUsage_IsRetriedLikeAnyRequest()
    {
        // The API dedupes usage events by source and id, so a repeated batch cannot count twice.
        await using var server = await StubServer.StartAsync((_, n) => FailThenOk(503, n));

        var (response, _) = await SendAsync(server, HttpMethod.Post);

        Assert.Equal(200, response.Status);
        Assert.Equal(["[]", "[]"], server.Requests.Select(r => r.Body));
    }

    [Theory]
    [InlineData(429, true)]
    [InlineData(500, false)]
    [InlineData(503, false)]
    public async Task SendAsync_NotRepeatable_RetriedOnlyWhenTheApiCertainlyDidNotAct(int status, bool retried)
    {
        // Issuing a key twice would leave the operator holding a key that is already being replaced.
        await using var server = await StubServer.StartAsync((_, n) => FailThenOk(status, n));
        var clock = new InstantTimeProvider();
        using var http = new HttpClient();
        var api = new ApiClient(http, server.Url, new RetryPolicy { BaseDelay = BaseDelay, MaxDelay = MaxDelay, TimeProvider = clock });

        var response = await api.SendAsync(new ApiRequest(HttpMethod.Post, "/api/v1/partners/p-1/keys", "k") { Repeatable = false }, CancellationToken.None);

        Assert.Equal(retried ? 200 : status, response.Status);
        Assert.Equal(retried ? 2 : 1, server.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_NotRepeatableAndConnectionRefused_IsRetriedBecauseNothingWasSent()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        }

        var clock = new InstantTimeProvider();
        using var http = new HttpClient();
        var api = new ApiClient(http, $"http://127.0.0.1:{port}", new RetryPolicy { MaxAttempts = 3, BaseDelay = BaseDelay, MaxDelay = MaxDelay, TimeProvider = clock });

        var error = await Assert.ThrowsAsync<ApiUnreachableException>(() => api.SendAsync(new ApiRequest(HttpMethod.Post, "/api/v1/partners", "k") { Body = "{}", Repeatable = false }, CancellationToken.None));

        Assert.Contains("after 3 attempt(s)", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, clock.Waits.Count);
    }

    [Fact]
    public async Task SendAsync_Repeated503_BacksOffExponentiallyWithJitterUpToMaxAttempts()
    {
        await using var server = await StubServer.StartAsync((_, _) => (503, "application/problem+json", """{"status":503}"""));

        var (response, clock) = await SendAsync(server, HttpMethod.Get, maxAttempts: 5);

        Assert.Equal(503, response.Status);
        Assert.Equal(5, response.Attempts);
        Assert.Equal(5, server.Requests.Count);
        var waits = clock.Waits.ToArray();
        Assert.Equal(4, waits.Length);
        for (int i = 0; i < waits.Length; i++)
        {
            // Equal jitter: between half and all of base × 2^i.
            var full = BaseDelay * Math.Pow(2, i);
            Assert.InRange(waits[i], full / 2, full);
        }
    }

    [Fact]
    public async Task SendAsync_OneAttempt_DoesNotRetry()
    {
        await using var server = await StubServer.StartAsync((_, n) => FailThenOk(503, n));

        var (response, clock) = await SendAsync(server, HttpMethod.Get, maxAttempts: 1);

        Assert.Equal(503, response.Status);
        Assert.Single(server.Requests);
        Assert.Empty(clock.Waits);
    }

    [Fact]
    public async Task SendAsync_RetryAfter_WaitsAtLeastThatLong()
    {
        await using var server = await StubServer.StartAsync((_, n) => FailThenOk(429, n), new Dictionary<string, string> { ["Retry-After"] = "7" });

        var (response, clock) = await SendAsync(server, HttpMethod.Get);

        Assert.Equal(200, response.Status);
        Assert.Equal(TimeSpan.FromSeconds(7), Assert.Single(clock.Waits));
    }

    [Fact]
    public async Task SendAsync_RetryAfterBeyondMaxDelay_WaitsMaxDelay()
    {
        await using var server = await StubServer.StartAsync((_, n) => FailThenOk(503, n), new Dictionary<string, string> { ["Retry-After"] = "3600" });

        var (_, clock) = await SendAsync(server, HttpMethod.Get);

        Assert.Equal(MaxDelay, Assert.Single(clock.Waits));
    }
}
