namespace Billing.Cli.Tests;

public sealed class SendTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("billing-send-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private string File(string name, params string[] lines)
    {
        string path = Path.Combine(dir, name);
        System.IO.File.WriteAllText(path, string.Join('\n', lines) + "\n");
        return path;
    }

    private static string Carrier(string id) => SampleEvents.Carrier(id, PlatformFixture.NewHotspot(), 10, 20).ToJsonString();

    private static string Compute(string id) => SampleEvents.Compute(id, "lease-1", "H100", 1, DateTimeOffset.UtcNow.AddHours(-1)).ToJsonString();

    private static (int, string, string) Accept(StubServer.Recorded r, int _)
    {
        int n = JsonNode.Parse(r.Body)!.AsArray().Count;
        return (202, "application/json", $$"""{"accepted":{{n}},"rejected":[]}""");
    }

    private static int EventsIn(StubServer server) => server.Requests.Sum(r => JsonNode.Parse(r.Body)!.AsArray().Count);

    [Fact]
    public async Task Send_FileWithBadLines_ReportsLineNumbersAndSendsTheRest()
    {
        await using var server = await StubServer.StartAsync(Accept);
        string path = File("mixed.ndjson", Carrier("a"), "{not json", "", Carrier("b"), "[1,2]", Compute("c"));

        var result = await CliHarness.RunAsync("send", path, "--url", server.Url);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("mixed.ndjson:2", result.Error, StringComparison.Ordinal);
        Assert.Contains("mixed.ndjson:5", result.Error, StringComparison.Ordinal);
        Assert.Contains("mixed.ndjson:2", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("mixed.ndjson:3", result.Out, StringComparison.Ordinal);
        Assert.Equal(3, EventsIn(server));
    }

    [Fact]
    public async Task Send_MixedTypesOnLoopback_RoutesDevKeysByEventType()
    {
        await using var server = await StubServer.StartAsync(Accept);
        string path = File("mixed.ndjson", Carrier("a"), Compute("b"), Carrier("c"));

        var result = await CliHarness.RunAsync("send", path, "--url", server.Url);

        Assert.True(result.ExitCode == 0, result.ToString());
        var byKey = server.Requests.ToDictionary(r => r.Headers["X-Api-Key"], r => JsonNode.Parse(r.Body)!.AsArray().Count);
        Assert.Equal(2, byKey["dev-carrier-tmo-key"]);
        Assert.Equal(1, byKey["dev-provider-nodeops-key"]);
        Assert.All(server.Requests, r => Assert.StartsWith("application/cloudevents-batch+json", r.Headers["Content-Type"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Send_Batch_SplitsRequests()
    {
        await using var server = await StubServer.StartAsync(Accept);
        string path = File("many.ndjson", [.. Enumerable.Range(0, 7).Select(i => Carrier("e" + i))]);

        var result = await CliHarness.RunAsync("send", path, "--url", server.Url, "--batch", "3");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([3, 3, 1], server.Requests.Select(r => JsonNode.Parse(r.Body)!.AsArray().Count));
    }

    [Fact]
    public async Task Send_BatchAbove1000_ExitsWithUsageError()
    {
        var result = await CliHarness.RunAsync("send", File("x.ndjson", Carrier("a")), "--batch", "1001");
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Send_JsonArrayFile_SendsAllElements()
    {
        await using var server = await StubServer.StartAsync(Accept);
        string path = Path.Combine(dir, "batch.json");
        await System.IO.File.WriteAllTextAsync(path, new JsonArray(JsonNode.Parse(Carrier("a")), JsonNode.Parse(Carrier("b"))).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));

        var result = await CliHarness.RunAsync("send", path, "--url", server.Url);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(2, EventsIn(server));
    }

    [Fact]
    public async Task Send_Two503sThen202_RetriesAndSucceeds()
    {
        await using var server = await StubServer.StartAsync((r, n) => n <= 2
            ? (503, "application/problem+json", """{"title":"Service unavailable","status":503}""")
            : Accept(r, n));

        var result = await CliHarness.RunAsync("send", File("a.ndjson", Carrier("a"), Carrier("b")), "--url", server.Url);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(3, server.Requests.Count);
        Assert.Contains("│ 2 ", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_400_IsNotRetriedAndReasonsArePrinted()
    {
        await using var server = await StubServer.StartAsync((_, _) => (400, "application/problem+json",
            """{"title":"No event accepted","status":400,"detail":"all 1 event(s) were rejected; see 'rejected'","accepted":0,"rejected":[{"index":0,"id":"a","errors":["time: is more than 35 days in the past"]}]}"""));

        var result = await CliHarness.RunAsync("send", File("old.ndjson", Carrier("a")), "--url", server.Url);

        Assert.Equal(1, result.ExitCode);
        Assert.Single(server.Requests);
        Assert.Contains("old.ndjson:1", result.Out, StringComparison.Ordinal);
        Assert.Contains("more than 35 days", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_PartialRejection_MapsIndexBackToFileLine()
    {
        await using var server = await StubServer.StartAsync((_, _) => (202, "application/json",
            """{"accepted":2,"rejected":[{"index":1,"id":"b","errors":["data.hotspotId: must decode to 32 bytes"]}]}"""));

        var result = await CliHarness.RunAsync("send", File("p.ndjson", Carrier("a"), Carrier("b"), Carrier("c")), "--url", server.Url);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("p.ndjson:2", result.Out, StringComparison.Ordinal);
        Assert.Contains("must decode to 32 bytes", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_401_ExitsWithAuthFailure()
    {
        await using var server = await StubServer.StartAsync((_, _) => (401, "application/problem+json", """{"title":"Unauthorized","status":401,"detail":"A valid X-Api-Key header is required."}"""));

        var result = await CliHarness.RunAsync("send", File("a.ndjson", Carrier("a")), "--url", server.Url, "--key", "wrong");

        Assert.Equal(3, result.ExitCode);
        Assert.Single(server.Requests);
        Assert.Equal("wrong", server.Requests.Single().Headers["X-Api-Key"]);
    }

    [Fact]
    public async Task Send_NobodyListening_RetriesThenExits3()
    {
        var result = await CliHarness.RunAsync(["send", File("a.ndjson", Carrier("a")), "--url", $"http://127.0.0.1:{FreePort.Find()}"], null, maxAttempts: 2);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("after 2 attempt(s)", result.Out + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_RemoteUrlWithoutKey_ExitsWithUsageError()
    {
        var result = await CliHarness.RunAsync("send", File("a.ndjson", Carrier("a")), "--url", "https://billing.example.invalid");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("BILLING_API_KEY", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_MissingFile_ExitsWithUsageError()
    {
        var result = await CliHarness.RunAsync("send", Path.Combine(dir, "nope.ndjson"));
        Assert.Equal(2, result.ExitCode);
    }

    [Fact]
    public async Task Send_LargeEvents_KeepsEveryRequestUnder1MiB()
    {
        await using var server = await StubServer.StartAsync(Accept);
        string padding = new('x', 300_000);
        var lines = Enumerable.Range(0, 5).Select(i =>
        {
            var e = SampleEvents.Carrier("big" + i, PlatformFixture.NewHotspot(), 1, 2);
            e["data"]!["note"] = padding;
            return e.ToJsonString();
        }).ToArray();

        var result = await CliHarness.RunAsync("send", File("big.ndjson", lines), "--url", server.Url);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal([3, 2], server.Requests.Select(r => JsonNode.Parse(r.Body)!.AsArray().Count));
        Assert.All(server.Requests, r => Assert.True(System.Text.Encoding.UTF8.GetByteCount(r.Body) <= 1024 * 1024));
    }

    [Fact]
    public async Task Send_429ThenAccepted_Retries()
    {
        await using var server = await StubServer.StartAsync((r, n) => n == 1
            ? (429, "application/problem+json", """{"title":"Too many requests","status":429}""")
            : Accept(r, n));

        var result = await CliHarness.RunAsync("send", File("a.ndjson", Carrier("a")), "--url", server.Url);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task Send_503Forever_GivesUpAfterMaxAttemptsAndReportsRejected()
    {
        await using var server = await StubServer.StartAsync((_, _) => (503, "application/problem+json", """{"title":"Service unavailable","status":503,"detail":"event hub throttled"}"""));

        var result = await CliHarness.RunAsync(["send", File("a.ndjson", Carrier("a")), "--url", server.Url], null, maxAttempts: 3);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(3, server.Requests.Count);
        Assert.Contains("event hub throttled", result.Out, StringComparison.Ordinal);
    }
}
